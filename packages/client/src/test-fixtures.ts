import { DarkroomError } from './errors.js';
import type { PutRequest, PutResponse, Transport } from './transport.js';

/** A transport that answers from a script, one entry per PUT: a response, or an error to throw. */
export function scriptedTransport(
  script: (request: PutRequest, call: number) => PutResponse | Error | Promise<PutResponse | Error>,
): Transport & { calls: PutRequest[] } {
  const calls: PutRequest[] = [];
  return {
    calls,
    async put(request) {
      calls.push(request);
      const answer = await script(request, calls.length);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

export const ok = (etag = '"e"'): PutResponse => ({ status: 200, etag, body: '' });
export const refused = (status: number, code: string, message = ''): PutResponse => ({
  status,
  etag: null,
  body: `<?xml version="1.0"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
});
export const noAnswer = () => new DarkroomError('network_error', 'PUT to the bucket: no answer (socket hang up).');
export const FAST_RETRY = { retries: 3, baseDelayMs: 1, maxDelayMs: 4 };
