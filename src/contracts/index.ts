export * from './errors.js';
export * from './common.js';
export * from './auth.js';
export * from './workspaces.js';
export * from './activity.js';
export * from './events.js';
export * from './numbers.js';
export * from './messages.js';
