import type { Readable, Writable } from 'node:stream';
import type { ScanVerdict } from '@darkroom/moderation';

/** A malware scanner a download streams into: each chunk is written to `sink`, the verdict settles once it ends. */
export interface StreamScanner {
  startScan(): { sink: Writable; verdict: Promise<ScanVerdict> };
  /** A whole stream scanned, kept nowhere. */
  scanStream(body: Readable): Promise<ScanVerdict>;
  /** Whether it answers now. */
  ping(): Promise<boolean>;
}

/** The scanners this worker has (null: not configured here). */
export interface Scanners {
  clamd: StreamScanner | null;
}
