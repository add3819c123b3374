export { MemoryProvider, type MemoryProviderOptions } from './memory-provider.js';
export { bytes, runConformanceSuite, type Cannot, type ConformanceFixture, type ConformanceTarget, type FaultKnobs } from './conformance.js';
