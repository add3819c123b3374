import { isAbsolute, resolve } from 'node:path';
import type { PacedSide } from './file-start-limits.js';
import { BadInput, ConfigStore, type FerryConfig, type Location, type ProviderContext, parseRemotePath, resolveLocation } from '@ferry/core';

/**
 * Turns the names in job data into providers, with the worker's own config store: credentials
 * stay on the machines that run the work. Providers are kept per name so their caches (known
 * folders, hashes) serve every file of a transfer; a remote added later is found on a re-read.
 * `context` carries what the worker adds for providers: the lock shared with other workers.
 */
export class Locations {
  private config: Promise<FerryConfig> | undefined;
  private readonly cache = new Map<string, Location>();

  constructor(
    readonly store: ConfigStore = new ConfigStore(),
    private readonly context: Partial<ProviderContext> = {},
  ) {}

  async locate(arg: string): Promise<Location> {
    const hit = this.cache.get(arg);
    if (hit) return hit;
    this.config ??= this.store.load();
    let location: Location;
    try {
      location = resolveLocation(arg, await this.config, this.store, this.context);
    } catch (err) {
      // A remote added after this worker started: read the config again, once.
      if (!(err instanceof BadInput)) throw err;
      this.config = this.store.load();
      location = resolveLocation(arg, await this.config, this.store, this.context);
    }
    this.cache.set(arg, location);
    return location;
  }

  /**
   * Whose budget a location spends: its remote and the account key its provider names, which
   * remotes on one login share. Bare local paths are nobody's. A remote that cannot be opened
   * here (or cannot tell its account yet) is paced under its name; the file then fails with
   * the reason where it is copied.
   */
  async pacedSide(arg: string): Promise<PacedSide | undefined> {
    const remote = parseRemotePath(arg).remote;
    if (remote === undefined) return undefined;
    try {
      const { provider } = await this.locate(arg);
      return { remote, account: (await provider.pacingAccount?.()) ?? remote };
    } catch {
      return { remote, account: remote };
    }
  }
}

/** A local path in job data must mean the same on every worker: absolute, from the submitter's cwd. */
export function portablePath(arg: string, cwd: string = process.cwd()): string {
  const parsed = parseRemotePath(arg);
  if (parsed.remote !== undefined) return arg;
  // An absolute path starts with "/", so it never reads as "remote:path".
  return isAbsolute(parsed.path) ? parsed.path : resolve(cwd, parsed.path);
}
