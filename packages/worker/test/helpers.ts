import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach } from 'vitest';
import type { FerryQueues } from '../src/index.js';

export const REDIS_URL = 'redis://127.0.0.1:6379';

/** Every test gets its own prefix, so tests never see each other's queues. */
export function uniquePrefix(): string {
  return `{ferry-test-${randomBytes(4).toString('hex')}}`;
}

/** Deletes every key under a prefix (BullMQ's and Ferry's). */
export async function dropPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `ferry-worker-${tag}-`));
}

/** `count` small files spread over a few folders; returns their relative paths. */
export function makeTree(root: string, count: number, perDir = 100): string[] {
  const rels: string[] = [];
  for (let i = 0; i < count; i++) {
    const dir = `d${Math.floor(i / perDir)}`;
    mkdirSync(join(root, dir), { recursive: true });
    const rel = `${dir}/f${i}.txt`;
    writeFileSync(join(root, rel), `file ${i}\n`.repeat((i % 7) + 1));
    rels.push(rel);
  }
  return rels;
}

export async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Work a test defers to its end (workers, queues, temp dirs), undone last first after each test. */
export function cleanupAfterEach(): (() => Promise<void> | void)[] {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return cleanups;
}

/** The end of a test that used queues: close them, drop its Redis keys, remove its temp folder. */
export async function teardown(queues: FerryQueues, prefix: string, dir: string): Promise<void> {
  await queues.close();
  queues.redis.disconnect();
  await dropPrefix(REDIS_URL, prefix);
  rmSync(dir, { recursive: true, force: true });
}
