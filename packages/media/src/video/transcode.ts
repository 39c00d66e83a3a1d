import type { TranscodeOptions, TranscodeResult, VideoProbe, VideoRenditionSpec } from './types.js';

export async function transcodeVideo(
  input: string,
  probe: VideoProbe,
  spec: VideoRenditionSpec,
  opts: TranscodeOptions,
): Promise<TranscodeResult> {
  void input;
  void probe;
  void spec;
  void opts;
  throw new Error('transcodeVideo: not implemented yet (interface commit)');
}
