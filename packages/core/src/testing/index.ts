export { MemoryProvider, type MemoryProviderOptions } from './memory-provider.js';
export { bytes, runConformanceSuite, type ConformanceTarget } from './conformance.js';
