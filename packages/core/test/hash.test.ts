import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Sha1, sha1OfRange, sha1OfStream } from '../src/index.js';

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');

describe('SHA-1 with hash-wasm', () => {
  const data = randomBytes(3 * 1024 * 1024 + 5);

  it('hashes a stream in one pass', async () => {
    const chunks = [data.subarray(0, 1000), data.subarray(1000, 2_000_000), data.subarray(2_000_000)];
    let seen = 0;
    expect(await sha1OfStream(Readable.from(chunks), (n) => (seen += n))).toBe(sha1(data));
    expect(seen).toBe(data.length);
  });

  it('gives a clean hasher after another was closed and pooled', async () => {
    const used = await Sha1.create();
    used.update(data);
    used.close();
    const fresh = await Sha1.create();
    fresh.update(Buffer.from('abc'));
    expect(fresh.digest()).toBe(sha1(Buffer.from('abc')));
  });

  it('saves its state and resumes in another hasher', async () => {
    const first = await Sha1.create();
    first.update(data.subarray(0, 1_234_567));
    const state = first.save();
    expect(typeof state).toBe('string');
    const second = await Sha1.create(JSON.parse(JSON.stringify(state)) as string);
    second.update(data.subarray(1_234_567));
    expect(second.digest()).toBe(sha1(data));
  });

  it('hashes a byte range', async () => {
    const read = async (s: number, e: number) => data.subarray(s, e);
    expect(await sha1OfRange(read, 100, 1124)).toBe(sha1(data.subarray(100, 1124)));
  });
});
