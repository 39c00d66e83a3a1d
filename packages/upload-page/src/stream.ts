import { el } from './dom.js';

/**
 * Plays an HLS ladder (its master playlist's URL) in a `<video>`: natively where the browser plays
 * HLS itself (Safari, iOS), else through hls.js over Media Source Extensions. hls.js is a chunk of
 * its own, loaded only when a page shows a ladder. A browser that can do neither gets a sentence
 * saying so in place of the player, and the playlist's URL stays there to copy.
 */
export function playStream(video: HTMLVideoElement, url: string): void {
  if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = url;
    return;
  }
  void import('hls.js').then(
    ({ default: Hls }) => {
      if (!Hls.isSupported()) return cannotPlay(video);
      // No worker: the page's CSP allows no blob: workers, and a ladder's segments are small.
      const hls = new Hls({ enableWorker: false });
      hls.on(Hls.Events.ERROR, (_event, data) => {
        if (data.fatal) {
          hls.destroy();
          cannotPlay(video);
        }
      });
      hls.loadSource(url);
      hls.attachMedia(video);
    },
    () => cannotPlay(video),
  );
}

function cannotPlay(video: HTMLVideoElement): void {
  video.replaceWith(el('p', { class: 'stream-note', role: 'status' }, 'This browser cannot play the stream here; copy its URL into a video player.'));
}

/** A storyboard's WebVTT file as a metadata track of the video, for a player's scrub previews. */
export function storyboardTrack(video: HTMLVideoElement, vttUrl: string): void {
  // Tracks from another origin load only over CORS (the public bucket allows any origin).
  video.crossOrigin = 'anonymous';
  video.append(el('track', { kind: 'metadata', label: 'Scrub previews', src: vttUrl, default: true }));
}
