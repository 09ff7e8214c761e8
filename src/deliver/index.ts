export { deliverSession, type DeliverOptions, type DeliveredElement, type DeliveryResult, type LoudnessMode } from './deliver.js';
export { assignStems } from './stems.js';
