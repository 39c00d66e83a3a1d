import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the S3 server saw it: the operation it was, and the key it named. */
export interface CountedRequest {
  operation: string;
  path: string;
}

export interface S3Counter {
  /** Use as S3_ENDPOINT: everything sent here is counted, then passed on to the real server. */
  endpoint: string;
  requests: CountedRequest[];
  /** The requests so far, one a line (for a failing assertion's message). */
  describe(): string;
  close(): Promise<void>;
}

/** The S3 operation a request is, from its method, query and headers (what the server bills by). */
export function s3Operation(req: Pick<IncomingMessage, 'method' | 'url' | 'headers'>): string {
  const url = new URL(req.url ?? '/', 'http://s3');
  const query = url.searchParams;
  const method = req.method ?? 'GET';
  // Path-style: /bucket/key. A bucket alone is a bucket operation.
  const key = url.pathname.split('/').filter(Boolean).length > 1;
  if (method === 'PUT') {
    if (req.headers['x-amz-copy-source']) return query.has('partNumber') ? 'UploadPartCopy' : 'CopyObject';
    return query.has('partNumber') ? 'UploadPart' : 'PutObject';
  }
  if (method === 'POST') {
    if (query.has('delete')) return 'DeleteObjects';
    if (query.has('uploads')) return 'CreateMultipartUpload';
    if (query.has('uploadId')) return 'CompleteMultipartUpload';
  }
  if (method === 'DELETE') {
    if (query.has('uploadId')) return 'AbortMultipartUpload';
    return query.has('versionId') ? 'DeleteObject(versionId)' : 'DeleteObject';
  }
  if (method === 'HEAD') return key ? 'HeadObject' : 'HeadBucket';
  if (method === 'GET') {
    if (query.has('versions')) return 'ListObjectVersions';
    if (query.has('uploads')) return 'ListMultipartUploads';
    if (query.has('uploadId')) return 'ListParts';
    if (!key) return 'ListObjects';
    return req.headers.range ? 'GetObject(range)' : 'GetObject';
  }
  return `${method} ${[...query.keys()].join('&')}`;
}

export interface PassThrough {
  /** Use as S3_ENDPOINT: everything sent here is passed on to the real server. */
  endpoint: string;
  close(): Promise<void>;
}

/**
 * A pass-through HTTP proxy on loopback in front of the S3 server that shows `seen` every request as
 * it arrives. The Host header is passed on unchanged, so SigV4 signatures (and presigned URLs,
 * which are signed for this proxy's address) still verify at the server. A status `seen` returns is
 * answered instead, with an S3 error body, and the request goes no further (an injected fault).
 */
export async function startPassThrough(target: string, seen: (req: IncomingMessage) => number | undefined): Promise<PassThrough> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const injected = seen(req);
    if (typeof injected === 'number') {
      req.resume();
      res.writeHead(injected, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0"?><Error><Code>InternalError</Code><Message>injected</Message></Error>');
      return;
    }
    const forwarded = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A pass-through proxy (`startPassThrough`) that records every request it forwards. */
export async function startS3Counter(target: string): Promise<S3Counter> {
  const requests: CountedRequest[] = [];
  const proxy = await startPassThrough(target, (req) => {
    requests.push({ operation: s3Operation(req), path: new URL(req.url ?? '/', 'http://s3').pathname });
  });
  return {
    ...proxy,
    requests,
    describe: () => requests.map((r, i) => `${i + 1}. ${r.operation} ${r.path}`).join('\n'),
  };
}
