#!/usr/bin/env bash
# `scripts/demo-samples.sh DIR`: makes the demo's two samples that are not in the repository, with
# ffmpeg's test sources, into DIR: demo-clip.mp4 and demo-podcast.mp3. scripts/demo.sh uploads them;
# test/moderation/ scans them (the demo's samples must give no finding).
set -euo pipefail
out=$1
mkdir -p "$out"

# A short video: 4 s of ffmpeg's test pattern with a tone.
ffmpeg -hide_banner -nostdin -v error -y -f lavfi -i testsrc2=size=640x360:rate=25:duration=4 -f lavfi -i sine=frequency=440:duration=4 \
  -shortest -c:v libx264 -preset veryfast -pix_fmt yuv420p -c:a aac "$out/demo-clip.mp4"

# A short podcast: 20 s of a voice-like warble (a tone swept by a slow vibrato, a pause every few
# seconds) as MP3 with a cover art picture in its ID3 tag, which the image presets render.
ffmpeg -hide_banner -nostdin -v error -y \
  -f lavfi -i "sine=frequency=180:duration=20,vibrato=f=5:d=0.6,volume='if(lt(mod(t,4),3.2),0.5,0.02)':eval=frame" \
  -f lavfi -i "testsrc2=size=600x600:rate=1:duration=1" -frames:v 1 \
  -map 0:a -map 1:v -c:a libmp3lame -b:a 128k -ac 1 -c:v mjpeg -disposition:v attached_pic \
  -id3v2_version 3 -metadata:s:v title="Album cover" -metadata:s:v comment="Cover (front)" "$out/demo-podcast.mp3"
