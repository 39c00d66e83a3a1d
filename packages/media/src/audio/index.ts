export { AUDIO_HEAD_BYTES, AUDIO_PROBE_TIMEOUT_MS, probeAudio, type AudioSource, type ProbeAudioOptions } from './probe.js';
export { isAcceptedAudioCodec, type AudioProbe } from './probe-parse.js';
