import { ConfigStore, type FerryConfig, type Location, resolveLocation } from '@ferry/core';
import { registerAllProviders } from '@ferry/providers';

registerAllProviders();

export interface CliContext {
  store: ConfigStore;
  config: FerryConfig;
  locate(arg: string): Location;
}

/** Loads and validates the config once per command; every path argument resolves through it. */
export async function loadContext(): Promise<CliContext> {
  const store = new ConfigStore();
  const config = await store.load();
  return { store, config, locate: (arg) => resolveLocation(arg, config, store) };
}
