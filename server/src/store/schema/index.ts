export * from './associations.js';
export * from './crm.js';
export * from './idempotency.js';
export * from './knowledge.js';
export * from './orders.js';
export * from './products.js';
export * from './tickets.js';
export * from './users.js';
