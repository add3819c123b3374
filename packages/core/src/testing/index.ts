export { MemoryProvider, type MemoryProviderOptions } from './memory-provider.js';
export { runConformanceSuite, type ConformanceTarget } from './conformance.js';
