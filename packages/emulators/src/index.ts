export * from './aliyun-open/index.js';
export * from './p115/index.js';
export * from './s3/index.js';
export type { EmulatorRemote } from './remote-entry.js';
