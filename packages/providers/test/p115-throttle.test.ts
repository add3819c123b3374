import { afterAll, describe, expect, it } from 'vitest';
import { type Entry, RateLimited } from '@ferry/core';
import { type P115Emulator, startP115Emulator } from '@ferry/emulators';
import { emulatorProvider } from './p115-helpers.js';

const started: P115Emulator[] = [];
afterAll(() => Promise.all(started.map((e) => e.close())));

async function collect(entries: AsyncIterable<Entry>): Promise<Entry[]> {
  const out: Entry[] = [];
  for await (const e of entries) out.push(e);
  return out;
}

async function emulatorWith(answer: 'waf405' | 'errno911' | 'errno590075', budget = 4): Promise<P115Emulator> {
  const emu = await startP115Emulator({ riskControl: { budget, windowMs: 60_000, coolDownMs: 150, answer } });
  started.push(emu);
  for (let i = 0; i < 30; i++) emu.putFile('alice', `many/f${i}.txt`, Buffer.from(String(i)));
  return emu;
}

describe('p115 under risk control', () => {
  for (const answer of ['waf405', 'errno911', 'errno590075'] as const) {
    it(`a throttled account (${answer}) pauses, backs off and still finishes`, async () => {
      const emu = await emulatorWith(answer);
      const provider = emulatorProvider(emu, 0, { page_size: 3, backoff_ms: 40 });
      const entries = await collect(provider.list('/many'));
      expect(entries.map((e) => e.name).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `f${i}.txt`).sort());
      expect(emu.blockedRequests).toBeGreaterThan(0);
      // Paused rather than hammering: a handful of refused calls per block, not one per retry loop spin.
      expect(emu.blockedRequests).toBeLessThan(25);
      await provider.close();
    });
  }

  it('gives up with RateLimited (and a retry delay) when the block outlasts its pauses', async () => {
    const emu = await emulatorWith('waf405', 1);
    emu.setRiskControl({ budget: 1, windowMs: 60_000, coolDownMs: 60 * 60_000, answer: 'waf405' });
    const provider = emulatorProvider(emu, 0, { backoff_ms: 1 });
    const err = await collect(provider.list('/many')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimited);
    expect((err as RateLimited).retryAfterMs).toBeGreaterThan(0);
    expect((err as Error).message).toMatch(/risk control/);
    await provider.close();
  });
});
