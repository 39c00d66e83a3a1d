export { buildDeliveryApp, type BuildDeliveryAppOptions } from './http/app.js';
export { loadDeliveryConfig, type DeliveryConfig } from './config.js';
export { createDeliveryDeps, type DeliveryDeps } from './deps.js';
