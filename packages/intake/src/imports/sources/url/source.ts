import type { ImportDeps } from '../../deps.js';
import { inLane, streamInto, type ImportSource, type ItemLimits } from '../source.js';
import { openUrlSource } from './fetch.js';

/** A URL list's files: each fetched through the guard (fetch.ts) and streamed into a multipart upload. */
export function urlImportSource(deps: ImportDeps): ImportSource {
  const { imports } = deps.config;
  const options = (method: 'GET' | 'HEAD', limits: ItemLimits) => ({
    method,
    maxBytes: limits.maxBytes,
    allowPrivate: imports.allowPrivate,
    connectTimeoutMs: imports.connectTimeoutMs,
    idleTimeoutMs: imports.idleTimeoutMs,
    totalTimeoutMs: imports.itemTimeoutMs,
    signal: limits.signal,
  });
  return {
    bring: (item, target, limits, describe) =>
      inLane(limits.lanes.transfers, limits.signal, async () => {
        const opened = await openUrlSource(item.location, options('GET', limits));
        try {
          return await streamInto(deps, target, opened.body!, { ...limits, expectedSize: opened.size }, describe);
        } finally {
          // Read to its end or cut off: a body left open keeps its time limit running.
          if (!opened.body!.destroyed) opened.body!.destroy();
        }
      }),
    async look(item, limits) {
      return (await openUrlSource(item.location, options('HEAD', limits))).size;
    },
  };
}
