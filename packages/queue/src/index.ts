export * from './asset-queue.js';
export * from './redis.js';
export * from './webhook-queue.js';
export * from './import-queue.js';
export * from './rate-counter.js';
export * from './delivery-changes.js';
export * from './chunk-queue.js';
export * from './worker-queues.js';
