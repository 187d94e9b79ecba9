export * from './agents.js';
export * from './api-keys.js';
export * from './conversations.js';
export * from './customer-sessions.js';
export * from './events.js';
export * from './mcp-servers.js';
export * from './rate-limits.js';
export * from './settings.js';
