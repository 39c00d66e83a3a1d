import { readFile } from 'node:fs/promises';
import { parseStorageConfig, createS3Storage, type ObjectStorage, type StorageConfig } from '@darkroom/storage';
import { benchEnv, combineCpu, cpuSecondsOf } from './support.js';
import { addTimed, type Rig, startRig, type Timed, upload, watchEvents, workersCpu } from './worker-rig.js';
import { bareVariants, DEFAULT_SPECS, type BenchInput } from './worker-inputs.js';

/** Where the bare loop keeps its copies of the photos and its variants, apart from the pipeline's. */
const BARE_PREFIX = 'bench-bare/';

/**
 * The measurement from outside: queue paused, every photo uploaded and completed, then
 * resumed; timed from the resume to the last `asset.ready` on the tenant's event stream.
 */
async function readyPass(rig: Rig, inputs: readonly BenchInput[]): Promise<Timed> {
  await rig.admin.request('POST', '/v1/admin/queues/pause');
  for (const input of inputs) await upload(rig, input);
  const watch = await watchEvents(rig);
  try {
    const cpuBefore = workersCpu(rig);
    const started = Date.now();
    await rig.admin.request('POST', '/v1/admin/queues/resume');
    const last = await watch.arrivedAt('asset.ready', inputs.length);
    return { ms: last - started, cpu: combineCpu(workersCpu(rig), cpuBefore, -1) };
  } finally {
    watch.close();
  }
}

/**
 * The bare loop with the worker's bucket I/O: per photo one GET of the original from the bucket,
 * sharp's four variants, four PUTs to the public bucket; `parallel` photos at a time.
 */
async function bareWithBucket(storage: ObjectStorage, config: StorageConfig, inputs: readonly BenchInput[], parallel: number): Promise<Timed> {
  const before = cpuSecondsOf(process.pid);
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < inputs.length) {
      const index = next++;
      const body = await storage.getStream({ bucket: config.bucket, key: `${BARE_PREFIX}${index}` });
      const original = Buffer.concat(await body.toArray());
      const outputs = await bareVariants(original, DEFAULT_SPECS);
      await Promise.all(
        outputs.map((data, i) =>
          storage.putObject({
            bucket: config.publicBucket,
            key: `${BARE_PREFIX}${index}/${DEFAULT_SPECS[i]!.name}.webp`,
            body: data,
            contentType: 'image/webp',
          }),
        ),
      );
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  return { ms: performance.now() - started, cpu: combineCpu(cpuSecondsOf(process.pid), before, -1) };
}

/**
 * Mid-size throughput, in the order bare, pipeline, pipeline, bare (the VM's speed drifts): one
 * worker process as `npm run start:worker` starts it, with its defaults.
 */
export async function midSizeThroughput(photos: readonly BenchInput[], parallel: number): Promise<{ bare: Timed; pipeline: Timed }> {
  const rig = await startRig(1);
  const config = parseStorageConfig(benchEnv);
  const storage = createS3Storage(config);
  try {
    for (const [index, photo] of photos.entries()) {
      await storage.putObject({ bucket: config.bucket, key: `${BARE_PREFIX}${index}`, body: await readFile(photo.path), contentType: 'image/jpeg' });
    }
    const bareFirst = await bareWithBucket(storage, config, photos, parallel);
    const pipeline = addTimed(await readyPass(rig, photos), await readyPass(rig, photos));
    const bare = addTimed(bareFirst, await bareWithBucket(storage, config, photos, parallel));
    return { bare, pipeline };
  } finally {
    await storage.deletePrefix({ bucket: config.bucket, prefix: BARE_PREFIX });
    await storage.deletePrefix({ bucket: config.publicBucket, prefix: BARE_PREFIX });
    await rig.close();
  }
}
