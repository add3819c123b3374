export * from './apps.js';
export * from './cookie.js';
export * from './envelope.js';
export * from './fields.js';
export * from './m115.js';
export * from './names.js';
export * from './schemas.js';
