import { describe, expect, it } from 'vitest';
import {
  AuthError,
  MemoryPacerStore,
  NotFound,
  Pacer,
  RateLimited,
  type RequestClass,
  TransientError,
  accountKey,
  effectiveRate,
  pacerFor,
  retryDecision,
} from '../src/index.js';

/** A failure script: each attempt throws the next error of `errors`, then the call succeeds. */
function failing(errors: unknown[]): { attempt: () => Promise<string>; attempts: () => number } {
  let n = 0;
  return {
    attempt: async () => {
      const err = errors[n++];
      if (err !== undefined) throw err;
      return 'ok';
    },
    attempts: () => n,
  };
}

describe('request classes', () => {
  it('one process spends the declared rate and burst; a shared store the shared rate and half a second’s burst', () => {
    const cls: RequestClass = { perSecond: 14.9, burst: 1, sharedPerSecond: 13.5 };
    expect(effectiveRate(cls, false)).toEqual({ perSecond: 14.9, burst: 1 });
    expect(effectiveRate(cls, true)).toEqual({ perSecond: 13.5, burst: 6.75 });
    expect(effectiveRate({ perSecond: 2 }, false)).toEqual({ perSecond: 2, burst: 2 });
    expect(effectiveRate({ perSecond: 0.5 }, true)).toEqual({ perSecond: 0.5, burst: 1 });
  });

  it('an account key names service and user: two logins never share it', () => {
    expect(accountKey('p115@http://a', '42')).toBe(accountKey('p115@http://a', '42'));
    expect(accountKey('p115@http://a', '42')).not.toBe(accountKey('p115@http://a', '43'));
    expect(accountKey('p115@http://a', '42')).not.toBe(accountKey('p115@http://b', '42'));
  });
});

describe('memory pacer store', () => {
  it('grants the burst, then queues slots further and further out at the rate', async () => {
    const store = new MemoryPacerStore();
    const rate = { perSecond: 2, burst: 2 };
    const replies = [];
    for (let i = 0; i < 5; i++) replies.push(await store.reserve('acct', 'list', rate, true));
    expect(replies.slice(0, 2)).toEqual([0, 0]);
    const waits = replies.slice(2).map((r) => -r);
    // At 2 per second each queued slot lies about half a second after the one before.
    for (const w of waits) expect(w).toBeGreaterThan(0);
    expect(waits[1]! - waits[0]!).toBeGreaterThan(400);
    expect(waits[2]! - waits[1]!).toBeGreaterThan(400);
  });

  it('without queueing, an empty bucket reserves nothing and says when to ask again', async () => {
    const store = new MemoryPacerStore();
    const rate = { perSecond: 1, burst: 1 };
    expect(await store.reserve('acct', 'files', rate, false)).toBe(0);
    const refused = await store.reserve('acct', 'files', rate, false);
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThanOrEqual(1000);
    // Still only one slot out: the refusal took no token.
    expect(-(await store.reserve('acct', 'files', rate, true))).toBeLessThanOrEqual(1000);
  });

  it('keeps classes and accounts apart, and a pause holds every class of its account only', async () => {
    const store = new MemoryPacerStore();
    const rate = { perSecond: 1, burst: 1 };
    expect(await store.reserve('acct', 'list', rate, true)).toBe(0);
    expect(await store.reserve('acct', 'other', rate, true)).toBe(0);
    expect(await store.reserve('else', 'list', rate, true)).toBe(0);
    await store.pause('acct', 60_000);
    await store.pause('acct', 10);
    expect(await store.reserve('acct', 'other', rate, true)).toBeGreaterThan(30_000);
    expect(await store.reserve('acct', 'unpaced', { perSecond: 0, burst: 1 }, true)).toBeGreaterThan(30_000);
    expect(await store.reserve('else', 'unpaced', { perSecond: 0, burst: 1 }, true)).toBe(0);
  });
});

describe('retry decisions', () => {
  const plain: RequestClass = { perSecond: 1 };
  const transient: RequestClass = { perSecond: 1, attempts: 3 };
  const cooling: RequestClass = { perSecond: 1, coolDown: { baseMs: 100, maxMs: 1000, pauses: 3 } };

  it('a rate limit without a cool-down pauses the account for the retry-after and goes to the engine', () => {
    const err = new RateLimited('429', 2500);
    expect(retryDecision(err, plain, 1, 1)).toEqual({ retry: false, pauseMs: 2500, waitMs: 0, error: err });
  });

  it('a cool-down doubles per refusal in a row, up to its ceiling, never under the retry-after, and gives up past its pauses', () => {
    const err = new RateLimited('risk control', 0);
    expect(retryDecision(err, cooling, 1, 1)).toMatchObject({ retry: true, pauseMs: 100 });
    expect(retryDecision(err, cooling, 2, 2)).toMatchObject({ retry: true, pauseMs: 200 });
    expect(retryDecision(new RateLimited('slow', 700), cooling, 1, 1)).toMatchObject({ retry: true, pauseMs: 700 });
    const last = retryDecision(err, cooling, 4, 4);
    expect(last).toMatchObject({ retry: false, pauseMs: 800 });
    expect(last.error).toBeInstanceOf(RateLimited);
    expect((last.error as RateLimited).retryAfterMs).toBe(800);
    expect((last.error as Error).message).toMatch(/risk control persists/);
    expect(retryDecision(err, { ...cooling, coolDown: { baseMs: 400, maxMs: 1000, pauses: 9 } }, 5, 5)).toMatchObject({ pauseMs: 1000 });
  });

  it('a temporary failure is sent again while the class has attempts left, waiting longer each time', () => {
    const err = new TransientError('HTTP 502');
    const first = retryDecision(err, transient, 1, 0);
    const second = retryDecision(err, transient, 2, 0);
    expect(first).toMatchObject({ retry: true, pauseMs: 0 });
    expect(second.waitMs).toBeGreaterThan(first.waitMs);
    expect(retryDecision(err, transient, 3, 0)).toMatchObject({ retry: false, error: err });
    expect(retryDecision(err, plain, 1, 0)).toMatchObject({ retry: false, error: err });
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(retryDecision(reset, transient, 1, 0)).toMatchObject({ retry: true });
  });

  it('a permanent error passes through untouched', () => {
    for (const err of [new NotFound('gone'), new AuthError('login'), new Error('bug')]) {
      expect(retryDecision(err, transient, 1, 0)).toEqual({ retry: false, pauseMs: 0, waitMs: 0, error: err });
    }
  });
});

describe('pacer', () => {
  const classes = {
    api: { perSecond: 1000, attempts: 4, coolDown: { baseMs: 5, maxMs: 50, pauses: 2 } },
    once: { perSecond: 1000 },
  };

  it('sends a temporarily failed call again, and returns what the attempt that got through answered', async () => {
    const pacer = new Pacer(new MemoryPacerStore(), 'acct', classes);
    const script = failing([new TransientError('502'), new TransientError('502')]);
    expect(await pacer.call('api', script.attempt)).toBe('ok');
    expect(script.attempts()).toBe(3);
  });

  it('a permanent error reaches the caller after one attempt', async () => {
    const pacer = new Pacer(new MemoryPacerStore(), 'acct', classes);
    const err = new NotFound('gone');
    const script = failing([err]);
    await expect(pacer.call('api', script.attempt)).rejects.toBe(err);
    expect(script.attempts()).toBe(1);
  });

  it('risk control pauses the whole account in the store, then gives up with RateLimited and its pause', async () => {
    const store = new MemoryPacerStore();
    const pacer = new Pacer(store, 'acct', classes);
    const script = failing(Array.from({ length: 5 }, () => new RateLimited('risk control', 0)));
    const err = await pacer.call('api', script.attempt).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimited);
    expect((err as RateLimited).retryAfterMs).toBe(20);
    // Two pauses sat out, the third refusal gives up.
    expect(script.attempts()).toBe(3);
    // Refusals in a row count on: the next one gives up at once.
    const still = failing([new RateLimited('risk control', 0)]);
    await expect(pacer.call('api', still.attempt)).rejects.toBeInstanceOf(RateLimited);
    expect(still.attempts()).toBe(1);
    // A call that gets through resets the count: a refusal is sat out again.
    expect(await pacer.call('api', failing([]).attempt)).toBe('ok');
    const again = failing([new RateLimited('risk control', 0)]);
    expect(await pacer.call('api', again.attempt)).toBe('ok');
    expect(again.attempts()).toBe(2);
  });

  it('a retry-after pauses every class of the account, also for another pacer on the same store', async () => {
    const store = new MemoryPacerStore();
    const pacer = new Pacer(store, 'acct', classes);
    const err = new RateLimited('429', 60_000);
    await expect(pacer.call('once', failing([err]).attempt)).rejects.toBe(err);
    expect(await store.reserve('acct', 'api', { perSecond: 1000, burst: 1000 }, true)).toBeGreaterThan(30_000);
  });

  it('pacerFor hands every remote of one account the same pacer, per store', () => {
    const store = new MemoryPacerStore();
    const a = pacerFor(store, 'svc|1', classes);
    expect(pacerFor(store, 'svc|1', { api: { perSecond: 1 } })).toBe(a);
    expect(pacerFor(store, 'svc|2', classes)).not.toBe(a);
    expect(pacerFor(new MemoryPacerStore(), 'svc|1', classes)).not.toBe(a);
    expect(pacerFor(undefined, 'svc|1', classes)).toBe(pacerFor(undefined, 'svc|1', classes));
  });

  it('refuses a class the provider never declared', async () => {
    const pacer = new Pacer(new MemoryPacerStore(), 'acct', classes);
    await expect(pacer.take('nope')).rejects.toThrow(/no request class 'nope'/);
  });
});
