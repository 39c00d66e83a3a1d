import type { ModerationPolicy } from '@darkroom/core/contract/moderation';
import type { WorkerDeps } from '../deps.js';
import { ScannerUnavailableError } from './scanner-wait.js';
import type { StreamScanner } from './stream-scanner.js';

/**
 * The scanner a policy needs for a download, if any. A policy that scans while this worker has no
 * clamd fails closed: the asset waits (`scanner_unavailable`) for a worker that has one.
 */
export function downloadScanner(deps: WorkerDeps, policy: ModerationPolicy): StreamScanner | undefined {
  if (policy.malware === 'off') return undefined;
  const scanner = deps.scanners?.clamd;
  if (!scanner) throw new ScannerUnavailableError('the malware scanner');
  return scanner;
}
