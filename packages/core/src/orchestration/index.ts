export * from './copy-file.js';
export * from './events.js';
export * from './executor.js';
export * from './orchestrate.js';
export * from './outcomes.js';
export * from './plan-intake.js';
export * from './planned-run.js';
export * from './summary.js';
