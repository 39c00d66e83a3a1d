export * from './codec.js';
export * from './asset-record.js';
export * from './tenant-record.js';
