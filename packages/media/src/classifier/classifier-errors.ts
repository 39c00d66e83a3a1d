/**
 * The classifier could not run here (its model or the WebAssembly backend would not load). Not bad
 * media: the worker keeps the asset `processing` and tries again with backoff, never publishing it
 * unchecked (fail closed). Its code is the spec's `scanner_unavailable`.
 */
export class ClassifierUnavailableError extends Error {
  readonly code = 'scanner_unavailable';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClassifierUnavailableError';
  }
}

export const CLASSIFIER_ERRORS = {
  /** What went wrong stays in `cause`, for operators; the message says only which check is down. */
  unavailable: (cause: unknown) => new ClassifierUnavailableError('The explicit-content classifier could not be loaded.', { cause }),
  /** The face detector's model did not load: the asset is published without faces (null), never held for it. */
  faceDetectorUnavailable: (cause: unknown) => new ClassifierUnavailableError('The face detector could not be loaded.', { cause }),
};
