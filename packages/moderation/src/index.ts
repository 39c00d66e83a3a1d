export * from './clamd.js';
export { parseInstreamReply, type InstreamReply } from './clamd-protocol.js';
export * from './errors.js';
