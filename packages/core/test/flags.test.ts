import { describe, expect, it } from 'vitest';
import { BandwidthLimit, type BandwidthClock, PathFilter, parseAge, parseBandwidth, parseSize, rateAt } from '../src/index.js';

/** A clock that moves only when the limit sleeps: what it slept is what the bytes cost. */
function fakeClock(start: Date): BandwidthClock & { slept: number } {
  let now = start.getTime();
  const clock = {
    slept: 0,
    now: () => now,
    sleep: async (ms: number) => {
      clock.slept += ms;
      now += ms;
    },
  };
  return clock;
}

describe("rclone's units", () => {
  it('sizes are binary, a bare number is KiB', () => {
    expect(parseSize('100', '--min-size')).toBe(100 * 1024);
    expect(parseSize('10M', '--min-size')).toBe(10 * 1024 ** 2);
    expect(parseSize('1.5G', '--min-size')).toBe(1.5 * 1024 ** 3);
    expect(parseSize('2048B', '--min-size')).toBe(2048);
    expect(parseSize('1Ti', '--min-size')).toBe(1024 ** 4);
    expect(() => parseSize('10X', '--min-size')).toThrow(/--min-size takes a size/);
  });

  it('ages: ms s m h d w M y, a bare number is seconds, M is 30 days and m minutes', () => {
    expect(parseAge('90', '--max-age')).toBe(90_000);
    expect(parseAge('500ms', '--max-age')).toBe(500);
    expect(parseAge('15m', '--max-age')).toBe(15 * 60_000);
    expect(parseAge('2M', '--max-age')).toBe(60 * 86_400_000);
    expect(parseAge('1y', '--max-age')).toBe(365 * 86_400_000);
    expect(parseAge('1h30m', '--max-age')).toBe(90 * 60_000);
    expect(() => parseAge('2024-01-01', '--max-age')).toThrow(/--max-age takes an age/);
  });

  it('a timetable switches by local time of day and wraps past midnight', () => {
    const slots = parseBandwidth('08:00,512K 19:00,off');
    expect(rateAt(slots, new Date(2025, 0, 1, 9, 30))).toBe(512 * 1024);
    expect(rateAt(slots, new Date(2025, 0, 1, 19, 0))).toBeUndefined();
    expect(rateAt(slots, new Date(2025, 0, 1, 3, 0))).toBeUndefined();
    expect(rateAt(parseBandwidth('10M'), new Date())).toBe(10 * 1024 ** 2);
    expect(() => parseBandwidth('08:00,1M 08:00,2M')).toThrow(/each time once/);
  });
});

describe('BandwidthLimit', () => {
  it('makes 3 MiB at 1 MiB/s cost about 3 seconds of waiting, and nothing under "off"', async () => {
    const limited = fakeClock(new Date(2025, 0, 1, 9, 0));
    const limit = new BandwidthLimit('08:00,1M 19:00,off', limited);
    for (let i = 0; i < 48; i++) await limit.take(64 * 1024);
    expect(limited.slept).toBeGreaterThanOrEqual(2900);
    expect(limited.slept).toBeLessThanOrEqual(3100);

    const evening = fakeClock(new Date(2025, 0, 1, 20, 0));
    const off = new BandwidthLimit('08:00,1M 19:00,off', evening);
    for (let i = 0; i < 48; i++) await off.take(64 * 1024);
    expect(evening.slept).toBe(0);
  });
});

describe('PathFilter', () => {
  const now = Date.UTC(2025, 0, 31);
  it('sizes, ages and filter rules decide together; the first matching rule wins', () => {
    const f = new PathFilter(
      { minSize: 10, maxSize: 100, maxAge: 86_400_000, rules: [{ action: '+', pattern: 'keep/*.log' }, { action: '-', pattern: '*.log' }] },
      now,
    );
    expect(f.includesFile('a.txt', { size: 50, mtime: now - 1000 })).toBe(true);
    expect(f.includesFile('a.txt', { size: 5, mtime: now })).toBe(false);
    expect(f.includesFile('a.txt', { size: 500, mtime: now })).toBe(false);
    expect(f.includesFile('a.txt', { size: 50, mtime: now - 2 * 86_400_000 })).toBe(false);
    expect(f.includesFile('a.txt', { size: 50 })).toBe(true);
    expect(f.includesFile('keep/x.log', { size: 50, mtime: now })).toBe(true);
    expect(f.includesFile('other/x.log', { size: 50, mtime: now })).toBe(false);
    expect(f.isEmpty).toBe(false);
  });

  it('a report\'s paths: only those files, and only the folders on their way', () => {
    const f = new PathFilter({ only: ['a/b/c.bin', 'd.bin'] });
    expect(f.includesFile('a/b/c.bin')).toBe(true);
    expect(f.includesFile('a/b/x.bin')).toBe(false);
    expect(f.includesDir('a')).toBe(true);
    expect(f.includesDir('a/b')).toBe(true);
    expect(f.includesDir('e')).toBe(false);
  });

  it('a "- dir/**" rule prunes the folder only when no "+" rule comes first', () => {
    expect(new PathFilter({ rules: [{ action: '-', pattern: 'cache/**' }] }).includesDir('cache')).toBe(false);
    expect(new PathFilter({ rules: [{ action: '+', pattern: '*.jpg' }, { action: '-', pattern: 'cache/**' }] }).includesDir('cache')).toBe(true);
  });
});
