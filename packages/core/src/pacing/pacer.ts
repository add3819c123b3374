import { sleep } from '../backoff.js';
import { RateLimited } from '../errors.js';
import { effectiveRate, type RequestClasses } from './classes.js';
import { MemoryPacerStore } from './memory-store.js';
import { retryDecision } from './retry.js';
import type { PacerStore } from './store.js';

/**
 * One account's requests: each call waits for its class's token and for any pause of the
 * account, and a failed call is retried or handed to the engine by retryDecision. Providers
 * throw typed errors from a single attempt and never loop themselves.
 */
export class Pacer {
  /** RateLimited answers in a row on this account, in this process; the first call through resets it. */
  private strikes = 0;
  /** This process's own note of the account's pause, kept even when telling the store fails. */
  private pausedUntil = 0;

  constructor(
    readonly store: PacerStore,
    readonly account: string,
    readonly classes: RequestClasses,
  ) {}

  /** Resolves when one more call of `cls` may go. */
  async take(cls: string): Promise<void> {
    const rate = effectiveRate(this.classOf(cls), this.store.shared);
    for (;;) {
      const paused = this.pausedUntil - Date.now();
      if (paused > 0) {
        await sleep(paused);
        continue;
      }
      const reply = await this.store.reserve(this.account, cls, rate, true);
      if (reply <= 0) {
        if (reply < 0) await sleep(-reply);
        return;
      }
      await sleep(reply);
    }
  }

  /** Runs `attempt` (one request) paced as `cls`, again as long as retryDecision says so. */
  async call<T>(cls: string, attempt: () => Promise<T>): Promise<T> {
    const declared = this.classOf(cls);
    for (let n = 1; ; n++) {
      await this.take(cls);
      try {
        const value = await attempt();
        this.strikes = 0;
        return value;
      } catch (err) {
        const decision = retryDecision(err, declared, n, err instanceof RateLimited ? ++this.strikes : this.strikes);
        if (decision.pauseMs > 0) await this.pause(decision.pauseMs);
        if (!decision.retry) throw decision.error;
        if (decision.waitMs > 0) await sleep(decision.waitMs);
      }
    }
  }

  /** Holds the account, in every process sharing the store; failing to tell them must not fail the call. */
  async pause(ms: number): Promise<void> {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
    await this.store.pause(this.account, ms).catch(() => {});
  }

  private classOf(cls: string) {
    const declared = this.classes[cls];
    if (!declared) throw new Error(`no request class '${cls}' declared for ${this.account}`);
    return declared;
  }
}

/** The store of a host that brings none (the CLI): one per process. */
const inProcess = new MemoryPacerStore();

const pacers = new WeakMap<PacerStore, Map<string, Pacer>>();

/**
 * The Pacer of `account` in `store` (the process's memory store when the host brings none), one
 * per account so every remote on it shares the strikes too. The first declaration of an account
 * sets its classes: remotes on one login share one budget.
 */
export function pacerFor(store: PacerStore | undefined, account: string, classes: RequestClasses): Pacer {
  const home = store ?? inProcess;
  let byAccount = pacers.get(home);
  if (!byAccount) pacers.set(home, (byAccount = new Map()));
  let pacer = byAccount.get(account);
  if (!pacer) byAccount.set(account, (pacer = new Pacer(home, account, classes)));
  return pacer;
}
