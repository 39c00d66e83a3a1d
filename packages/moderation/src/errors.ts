/**
 * clamd could not give a verdict: unreachable, silent past the timeout, closed early, or answering
 * `ERROR`. The worker keeps the asset `processing` and tries again (the contract's fail-closed rule),
 * so the message names no host or socket path: it may end up in a job's `error`. What went wrong
 * at the socket is the `cause`, for operators' logs.
 */
export class ScannerUnavailableError extends Error {
  readonly code = 'scanner_unavailable' as const;

  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ScannerUnavailableError';
  }
}

/** Why a scan found no verdict, in the words a job's `error` may carry. */
export type ScannerFailure = 'unreachable' | 'timeout' | 'closed' | 'error_reply' | 'aborted';

const MESSAGES: Record<ScannerFailure, string> = {
  unreachable: 'the malware scanner is not reachable',
  timeout: 'the malware scanner gave no verdict in time',
  closed: 'the malware scanner closed the connection before its verdict',
  error_reply: 'the malware scanner answered with an error',
  aborted: 'the scan was abandoned before its stream ended',
};

export function scannerUnavailable(failure: ScannerFailure, cause?: unknown): ScannerUnavailableError {
  return new ScannerUnavailableError(MESSAGES[failure], cause);
}
