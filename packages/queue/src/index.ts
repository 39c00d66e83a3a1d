export * from './asset-queue.js';
export * from './redis.js';
