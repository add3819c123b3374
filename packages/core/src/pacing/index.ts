export * from './classes.js';
export * from './memory-store.js';
export * from './pacer.js';
export * from './retry.js';
export * from './store.js';
