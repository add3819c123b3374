/**
 * Every key Ferry writes carries one hash tag (`{ferry}`): a flow parent in the transfer queue and
 * its children in the file queue are updated by the same Lua scripts, so on Redis Cluster they
 * must share a slot. Scale a cluster out with several deployments under different prefixes.
 */
export function queuePrefix(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const raw = flag || env.FERRY_PREFIX || 'ferry';
  return /\{[^}]+\}/.test(raw) ? raw : `{${raw}}`;
}

export const TRANSFER_QUEUE = 'transfers';
export const FILE_QUEUE = 'files';

/** Ferry's own keys next to BullMQ's, under the same hash tag. */
export class FerryKeys {
  constructor(readonly prefix: string) {}

  events(transferId: string): string {
    return `${this.prefix}:ferry:events:${transferId}`;
  }

  /** Set by `ferry jobs cancel`: batches already running stop between files. */
  cancelled(transferId: string): string {
    return `${this.prefix}:ferry:cancelled:${transferId}`;
  }

  /** Transfers cancelled lately, as `jobs list` and `ferry serve` still show them, scored by when. */
  cancelledRuns(): string {
    return `${this.prefix}:ferry:cancelled-runs`;
  }

  /** Set, with a TTL, by the workers serving `queue` (presence.ts). */
  served(queue: string): string {
    return `${this.prefix}:ferry:served:${queue}`;
  }

  /** The live workers' keys (worker()), each scored by when its heartbeat lapses. */
  workers(): string {
    return `${this.prefix}:ferry:workers`;
  }

  /** The pause keys (pause()) set lately, each scored by when it ends. */
  pauses(): string {
    return `${this.prefix}:ferry:pauses`;
  }

  /** Set, with a TTL, by each live worker process: who it is and what it serves (presence.ts). */
  worker(who: string): string {
    return `${this.prefix}:ferry:worker:${who}`;
  }

  running(transferKey: string): string {
    return `${this.prefix}:ferry:running:${transferKey}`;
  }

  scheduleRun(schedule: string): string {
    return `${this.prefix}:ferry:schedule-run:${schedule}`;
  }

  /** One request class's token bucket of an account (the Pacer's), shared by all workers. */
  bucket(account: string, cls: string): string {
    return `${this.prefix}:ferry:bucket:${account}:${cls}`;
  }

  /** Holds every request and job of an account (risk control, a 429). */
  pause(account: string): string {
    return `${this.prefix}:ferry:pause:${account}`;
  }

  /** One lock per credential (named by its provider) of a config file, shared by the workers using it. */
  credentialLock(configPath: string, name: string): string {
    return `${this.prefix}:ferry:credential-lock:${configPath}:${name}`;
  }

  /** `ferry worker --rate-limit`: files started per second, by remote name. */
  rateLimits(): string {
    return `${this.prefix}:ferry:rate-limits`;
  }
}
