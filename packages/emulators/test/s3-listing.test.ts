import { ListObjectsV2Command, type ListObjectsV2CommandOutput, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type S3Emulator, startS3Emulator } from '../src/index.js';

let emu: S3Emulator;
let client: S3Client;

/** 25 files, three sub-prefixes (one holding only a folder), and keys S3 orders bytewise. */
const FILES = Array.from({ length: 25 }, (_, i) => `tree/f${String(i).padStart(2, '0')}.txt`);
const NESTED = ['tree/a-dir/x.txt', 'tree/a-dir/y.txt', 'tree/only-folders/deep/z.txt', 'tree/z-dir/w.txt'];
/** Keys a readdir walk does not give in key order: `tree/b.txt` sorts before `tree/b/`. */
const AWKWARD = ['tree/b.txt', 'tree/b/c.txt'];
const ODD = ['odd/a b+c.txt', 'odd/é ü/naïve (1).txt', 'odd/100%.txt', 'odd/😀.txt', 'odd/\uff41.txt'];

/** S3's order: the keys' UTF-8 bytes. */
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

beforeAll(async () => {
  emu = await startS3Emulator({ maxKeysPerPage: 4 });
  client = new S3Client({
    endpoint: emu.endpoint,
    region: emu.region,
    forcePathStyle: true,
    credentials: { accessKeyId: emu.access_key_id, secretAccessKey: emu.secret_access_key },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  for (const Key of [...FILES, ...NESTED, ...AWKWARD, ...ODD]) {
    await client.send(new PutObjectCommand({ Bucket: emu.bucket, Key, Body: Key }));
  }
});
afterAll(async () => {
  client.destroy();
  await emu.close();
});

/** Every page of a listing, following NextContinuationToken while IsTruncated. */
async function pages(input: { Prefix: string; Delimiter?: string; MaxKeys?: number; StartAfter?: string; EncodingType?: 'url' }): Promise<ListObjectsV2CommandOutput[]> {
  const out: ListObjectsV2CommandOutput[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: emu.bucket, ...input, ...(token ? { ContinuationToken: token } : {}) }));
    expect(page.ContinuationToken).toBe(token);
    if (page.IsTruncated) expect(page.NextContinuationToken).toBeTruthy();
    else expect(page.NextContinuationToken).toBeUndefined();
    out.push(page);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

/**
 * Keys and prefixes, each page's merged in key order: equal to the whole listing sorted only when
 * every page holds the next run of it, with nothing skipped or repeated.
 */
function itemsOf(all: ListObjectsV2CommandOutput[], decode = (s: string) => s): string[] {
  return all.flatMap((p) => [...(p.Contents ?? []).map((o) => o.Key!), ...(p.CommonPrefixes ?? []).map((c) => c.Prefix!)].map(decode).sort(byBytes));
}

describe('the S3 emulator pages ListObjectsV2', () => {
  it('gives every key and common prefix once, in key order, at most maxKeysPerPage a page', async () => {
    const all = await pages({ Prefix: 'tree/', Delimiter: '/' });
    const expected = [...FILES, 'tree/a-dir/', 'tree/only-folders/', 'tree/z-dir/', 'tree/b.txt', 'tree/b/'].sort(byBytes);
    expect(all.length).toBe(Math.ceil(expected.length / 4));
    for (const page of all) {
      const count = (page.Contents?.length ?? 0) + (page.CommonPrefixes?.length ?? 0);
      expect(page.KeyCount).toBe(count);
      expect(count).toBeLessThanOrEqual(4);
      expect(page.MaxKeys).toBe(1000);
    }
    expect(itemsOf(all)).toEqual(expected);
  });

  it('honours a smaller MaxKeys and walks a flat listing too', async () => {
    const grouped = await pages({ Prefix: 'tree/', Delimiter: '/', MaxKeys: 3 });
    for (const page of grouped) expect(page.KeyCount).toBeLessThanOrEqual(3);
    expect(itemsOf(grouped)).toEqual(
      [...FILES, 'tree/a-dir/', 'tree/only-folders/', 'tree/z-dir/', 'tree/b.txt', 'tree/b/'].sort(byBytes),
    );
    const flat = await pages({ Prefix: 'tree/', MaxKeys: 3 });
    expect(flat.every((p) => (p.CommonPrefixes ?? []).length === 0)).toBe(true);
    expect(itemsOf(flat)).toEqual([...FILES, ...NESTED, ...AWKWARD].sort(byBytes));
  });

  it('starts after StartAfter, echoing it', async () => {
    const all = await pages({ Prefix: 'tree/', Delimiter: '/', StartAfter: 'tree/f20.txt' });
    expect(all[0]!.StartAfter).toBe('tree/f20.txt');
    expect(itemsOf(all)).toEqual(['tree/f21.txt', 'tree/f22.txt', 'tree/f23.txt', 'tree/f24.txt', 'tree/only-folders/', 'tree/z-dir/']);
  });

  it('with encoding-type=url encodes keys, prefixes and the delimiter, decoded as form encoding', async () => {
    const all = await pages({ Prefix: 'odd/', Delimiter: '/', EncodingType: 'url', MaxKeys: 2 });
    expect(all.every((p) => p.EncodingType === 'url')).toBe(true);
    expect(all[0]!.Delimiter).toBe('/');
    expect(itemsOf(all)).toContain('odd/a+b%2Bc.txt');
    // The undoing boto3 (unquote_plus) and rclone (url.QueryUnescape) apply.
    const decoded = itemsOf(all, (s) => decodeURIComponent(s.replace(/\+/g, ' ')));
    // Bytewise, U+FF41 comes before an emoji, which JavaScript's UTF-16 order puts first.
    expect(decoded).toEqual(['odd/100%.txt', 'odd/a b+c.txt', 'odd/é ü/', 'odd/\uff41.txt', 'odd/😀.txt']);
  });

  it('refuses a continuation token it did not issue', async () => {
    await expect(client.send(new ListObjectsV2Command({ Bucket: emu.bucket, ContinuationToken: 'not a token' }))).rejects.toMatchObject({ name: 'InvalidArgument' });
  });
});
