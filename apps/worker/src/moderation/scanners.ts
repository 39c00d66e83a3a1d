import type { ModerationPolicy } from '@darkroom/core/contract/moderation';
import { ScannerUnavailableError } from '@darkroom/moderation';
import type { WorkerDeps } from '../deps.js';
import type { StreamScanner } from './stream-scanner.js';

/**
 * This worker's clamd. A check that needs one while this worker has none fails closed: the asset
 * waits (`scanner_unavailable`) for a worker that has one.
 */
export function requireClamd(deps: WorkerDeps): StreamScanner {
  const scanner = deps.scanners?.clamd;
  if (!scanner) throw new ScannerUnavailableError('this worker has no malware scanner (CLAMD_SOCKET, CLAMD_HOST)');
  return scanner;
}

/** The scanner a policy needs for a download, if any. */
export function downloadScanner(deps: WorkerDeps, policy: ModerationPolicy): StreamScanner | undefined {
  return policy.malware === 'off' ? undefined : requireClamd(deps);
}
