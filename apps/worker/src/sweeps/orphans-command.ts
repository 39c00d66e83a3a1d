import { parseArgs } from 'node:util';
import { loadConfigOrExit, parseDurationMs } from '@darkroom/core/env';
import { pino } from 'pino';
import { loadWorkerConfig } from '../config.js';
import { createWorkerDeps } from '../deps.js';
import { abortOrphanUpload, deleteOrphanObject, findOrphanObjects, findOrphanUploads } from './orphans.js';

// `npm run orphans [-- --delete] [--tenant ID] [--min-age 1h]`: reports (and with --delete removes)
// bucket objects (originals, staging objects, variants) that belong to no asset row, and multipart
// uploads no asset waits on.

const { values } = parseArgs({
  options: {
    delete: { type: 'boolean', default: false },
    tenant: { type: 'string' },
    'min-age': { type: 'string', default: '1h' },
  },
});
const minAgeMs = parseDurationMs(values['min-age']);
if (minAgeMs === null) {
  console.error(`--min-age "${values['min-age']}" is not a duration (examples: 0, 30m, 1h)`);
  process.exit(2);
}

const deps = createWorkerDeps(loadConfigOrExit(loadWorkerConfig), pino({ level: 'warn' }));

let count = 0;
let bytes = 0;
try {
  for await (const orphan of findOrphanObjects(deps, { tenantId: values.tenant, minAgeMs })) {
    count++;
    bytes += orphan.size;
    if (values.delete) await deleteOrphanObject(deps, orphan);
    console.log(`${values.delete ? 'deleted' : 'orphan'}\t${orphan.bucket}/${orphan.key}\t${orphan.size}`);
  }
  let uploads = 0;
  for await (const upload of findOrphanUploads(deps, { tenantId: values.tenant, minAgeMs })) {
    uploads++;
    if (values.delete) await abortOrphanUpload(deps, upload);
    console.log(`${values.delete ? 'aborted' : 'orphan upload'}\t${upload.bucket}/${upload.key}\t${upload.uploadId}`);
  }
  const verb = values.delete ? 'removed' : 'found (rerun with --delete to remove them)';
  console.log(`${count} orphan object(s), ${bytes} bytes, and ${uploads} orphan multipart upload(s), ${verb}`);
} catch (error) {
  console.error(`orphans failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await deps.close();
}
