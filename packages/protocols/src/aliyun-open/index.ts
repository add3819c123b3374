export * from './endpoints.js';
export * from './parts.js';
export * from './pre-hash.js';
export * from './proof.js';
export * from './schemas.js';
export * from './qr-authorize.js';
