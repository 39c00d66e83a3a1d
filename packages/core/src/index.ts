export * from './errors.js';
export * from './content-types.js';
export * from './presets.js';
export * from './preset-file.js';
export * from './queue.js';
export * from './keys.js';
export * from './env.js';
export * from './secrets.js';
