export * from './asset-queue.js';
