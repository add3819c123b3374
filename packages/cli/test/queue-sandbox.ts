import { randomBytes } from 'node:crypto';
import { openRedis } from '@ferry/worker';
import { type Sandbox, tempSandbox } from './helpers.js';

// The workers' Redis: a real server, each test under its own queue prefix.
export const REDIS_URL = 'redis://127.0.0.1:6379';

/** `box` under a queue prefix of its own; `cleanups` gets the dropping of that prefix's keys. */
export function withQueuePrefix(box: Sandbox, cleanups: (() => Promise<void>)[]): Sandbox {
  const prefix = `{ferry-cli-${randomBytes(4).toString('hex')}}`;
  cleanups.push(async () => {
    const redis = openRedis(REDIS_URL);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
  });
  return { dir: box.dir, env: { ...box.env, REDIS_URL, FERRY_PREFIX: prefix } };
}

/** A sandbox under a queue prefix of its own, both removed after the test. */
export async function queueSandbox(cleanups: (() => Promise<void>)[]): Promise<Sandbox> {
  return withQueuePrefix(await tempSandbox(cleanups), cleanups);
}
