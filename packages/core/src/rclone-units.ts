import { BadInput } from './errors.js';

/*
 * rclone's units, so flags read as they do there (rclone.org/docs, fs/sizesuffix.go,
 * fs/bwtimetable.go, fs/parseduration.go):
 * - sizes: a number with B, K, M, G, T or P (binary: K = 1024); a bare number is KiB, so
 *   `--min-size 100` is 100 KiB and `--bwlimit 666` 666 KiB/s. Fractions ("1.5M") are allowed.
 * - ages: a number with ms, s, m, h, d (24 h), w (7 d), M (30 d) or y (365 d); a bare number is
 *   seconds. rclone also takes an absolute date there; Ferry does not (a clear refusal instead).
 * - `--bwlimit`: a rate, `off`, or a timetable of space-separated `HH:MM,RATE` entries; each rate
 *   holds from its time to the next entry's, and the last one wraps past midnight to the first.
 */

const SIZE_UNITS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** Bytes in `text` ("10M", "512K", "100" = 100 KiB); `flag` names the option in the refusal. */
export function parseSize(text: string, flag: string): number {
  return sizeIn(text, 'k', `${flag} takes a size like 100K, 10M or 2G (K = 1024 bytes; a bare number is KiB), got '${text}'`);
}

/**
 * Bytes in a size option's `key=value` text ("16M", "16Mi", "512K"). A bare number is bytes
 * there, not KiB as in flags: it is what the config stores, so a value copied from it means the same.
 */
export function parseOptionSize(text: string, key: string): number {
  return sizeIn(text, 'b', `option '${key}' takes a size like 512K, 16M or 1G (K = 1024 bytes; a bare number is bytes), got '${text}'`);
}

/** `bytes` as a size option takes it: 20971520 as "20M", the largest unit that divides it. */
export function formatOptionSize(bytes: number): string {
  for (const [suffix, unit] of [['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024]] as const) {
    if (bytes >= unit && bytes % unit === 0) return `${bytes / unit}${suffix}`;
  }
  return String(bytes);
}

function sizeIn(text: string, bareUnit: 'b' | 'k', refusal: string): number {
  const m = /^(\d+(?:\.\d+)?)([bkmgtp])?(?:ib?|b)?$/i.exec(text.trim());
  if (!m) throw new BadInput(refusal);
  return Math.round(Number(m[1]) * SIZE_UNITS[(m[2] ?? bareUnit).toLowerCase()]!);
}

const AGE_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  M: 30 * 86_400_000,
  y: 365 * 86_400_000,
};

/** Milliseconds in `text` ("90s", "12h", "3d", "1.5w"; "M" is 30 days, "m" minutes). */
export function parseAge(text: string, flag: string): number {
  const parts = /^(?:\d+(?:\.\d+)?(?:ms|[smhdwMy])?)+$/.test(text.trim()) ? [...text.trim().matchAll(/(\d+(?:\.\d+)?)(ms|[smhdwMy])?/g)] : [];
  if (parts.length === 0) {
    throw new BadInput(`${flag} takes an age like 30s, 15m, 12h, 7d, 2w, 6M or 1y (a bare number is seconds), got '${text}'`);
  }
  return Math.round(parts.reduce((ms, p) => ms + Number(p[1]) * AGE_UNITS[p[2] ?? 's']!, 0));
}

/** One entry of a bandwidth timetable: from `minute` of the day on, `rate` bytes/s (undefined: no limit). */
export interface BandwidthSlot {
  minute: number;
  rate?: number;
}

/** `--bwlimit` as slots ordered by time of day; a plain rate is one slot from midnight. */
export function parseBandwidth(text: string): BandwidthSlot[] {
  const entries = text.trim().split(/[\s;]+/).filter((e) => e !== '');
  const rate = (r: string) => (r.toLowerCase() === 'off' ? undefined : bandwidthRate(r, text));
  if (entries.length === 1 && !entries[0]!.includes(',')) return [{ minute: 0, ...optional(rate(entries[0]!)) }];
  const slots = entries.map((entry) => {
    const m = /^(\d{2}):(\d{2}),(.+)$/.exec(entry);
    if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) {
      throw new BadInput(`--bwlimit takes a rate (10M, 512K, off) or a timetable like "08:00,512K 19:00,off", got entry '${entry}'`);
    }
    return { minute: Number(m[1]) * 60 + Number(m[2]), ...optional(rate(m[3]!)) };
  });
  slots.sort((a, b) => a.minute - b.minute);
  if (entries.length === 0 || slots.some((s, i) => i > 0 && s.minute === slots[i - 1]!.minute)) {
    throw new BadInput(`--bwlimit: a timetable names each time once, got '${text}'`);
  }
  return slots;
}

function bandwidthRate(text: string, whole: string): number {
  if (text.includes(':')) throw new BadInput(`--bwlimit: separate upload:download rates are not supported, got '${whole}'`);
  const rate = parseSize(text, '--bwlimit');
  if (rate <= 0) throw new BadInput(`--bwlimit: a rate must be above 0 (use off for no limit), got '${whole}'`);
  return rate;
}

function optional(rate: number | undefined): { rate?: number } {
  return rate === undefined ? {} : { rate };
}

/** The rate in force at local time `at` (the slot that started last, wrapping past midnight). */
export function rateAt(slots: readonly BandwidthSlot[], at: Date): number | undefined {
  const minute = at.getHours() * 60 + at.getMinutes();
  let current = slots[slots.length - 1];
  for (const slot of slots) if (slot.minute <= minute) current = slot;
  return current?.rate;
}
