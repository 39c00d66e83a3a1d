import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../scripts/redis-cluster.sh', import.meta.url));

/** Starts the local three-master Redis Cluster (scripts/redis-cluster.sh) if it is not up; returns REDIS_CLUSTER_NODES. */
export async function startRedisCluster(): Promise<string> {
  await run('bash', [script, 'start']);
  return (await run('bash', [script, 'nodes'])).stdout.trim();
}

/** Stops every node of the local cluster without saving: an outage that loses the queue's contents. */
export async function stopRedisCluster(): Promise<void> {
  await run('bash', [script, 'stop']);
}
