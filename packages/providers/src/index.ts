import { registerLocal } from './local/index.js';

export { LocalProvider } from './local/index.js';

/** Registers every provider type this package holds with core's registry. */
export function registerAllProviders(): void {
  registerLocal();
}
