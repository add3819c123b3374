import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AliyunOpenEmulator, type P115Emulator, type S3Emulator, p115EmulatorRemote, startP115Emulator, startAliyunOpenEmulator, startS3Emulator } from '@ferry/emulators';
import { type Sandbox, aliyunOpenArgs, ferry, finished, listFiles, s3Args, sandbox, startFerry, summaryOf, waitFor, writeRandomFile, writeSmallTree } from './helpers.js';

let s3: S3Emulator;
let box: Sandbox;

async function sha1File(path: string): Promise<string> {
  return createHash('sha1').update(await fs.readFile(path)).digest('hex');
}

/** `ferry hash` lines as a map rel -> SHA-1. */
function hashes(stdout: string): Map<string, string> {
  return new Map(stdout.trim().split('\n').filter(Boolean).map((l) => {
    const [digest, ...rest] = l.split('  ');
    return [rest.join('  '), digest!];
  }));
}

beforeAll(async () => {
  s3 = await startS3Emulator();
  box = await sandbox();
  const added = await ferry(['remote', 'add', 's3', 's3', ...s3Args(s3)], box);
  expect(added.code, added.stderr).toBe(0);
});
afterAll(async () => {
  await s3.close();
  await fs.rm(box.dir, { recursive: true, force: true });
});

describe('ferry and S3', () => {
  it('emulate s3 --json feeds a remote; copy there and back, a rerun skips, hashes come from the metadata', async () => {
    const own = await sandbox();
    const child = startFerry(['emulate', 's3', '--json'], own);
    const done = finished(child);
    const [line] = await waitFor(child.stdout!, /^\{.*\}\n/);
    const info = JSON.parse(line!) as { endpoint: string; bucket: string; access_key_id: string; secret_access_key: string; region: string };
    expect(Object.keys(info).sort()).toEqual(['access_key_id', 'bucket', 'endpoint', 'region', 'secret_access_key']);
    const add = await ferry(['remote', 'add', 'mine', 's3', ...s3Args(info)], own);
    expect(add.code, add.stderr).toBe(0);
    expect((await ferry(['remote', 'show', 'mine'], own)).stdout).not.toContain(`secret_access_key: ${info.secret_access_key}`);

    const src = join(own.dir, 'src');
    const rels = await writeSmallTree(src, 40);
    const up = await ferry(['copy', src, 'mine:/backup', '--json'], own);
    expect(up.code, up.stderr).toBe(0);
    expect(summaryOf(up)).toMatchObject({ copied: 40, failed: 0 });
    const again = await ferry(['sync', src, 'mine:/backup', '--json'], own);
    expect(summaryOf(again)).toMatchObject({ copied: 0, skipped: 40, failed: 0 });

    const back = await ferry(['copy', 'mine:/backup', join(own.dir, 'back'), '--json'], own);
    expect(summaryOf(back)).toMatchObject({ copied: 40, failed: 0 });
    expect(await listFiles(join(own.dir, 'back'))).toEqual([...rels].sort());
    const listed = hashes((await ferry(['hash', 'mine:/backup'], own)).stdout);
    for (const rel of rels) expect(listed.get(rel), rel).toBe(await sha1File(join(src, rel)));

    child.kill('SIGTERM');
    expect((await done).code).toBe(0);
    await fs.rm(own.dir, { recursive: true, force: true });
  });

  it('loads the AWS SDK and undici only for a command that leaves local disk', async () => {
    // A preload that writes, at exit, every CommonJS module the process loaded (both are CommonJS).
    const preload = join(box.dir, 'loaded-modules.cjs');
    const record = join(box.dir, 'loaded-modules.txt');
    await fs.writeFile(preload, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(record)}, Object.keys(require.cache).join('\\n')));`);
    const loaded = async (args: string[]): Promise<{ sdk: boolean; undici: boolean }> => {
      const r = await finished(startFerry(args, { ...box, env: { ...box.env, NODE_OPTIONS: `--require ${preload}` } }));
      expect(r.code, r.stderr).toBe(0);
      const modules = await fs.readFile(record, 'utf8');
      return { sdk: modules.includes(join('@aws-sdk', 'client-s3')), undici: modules.includes(join('node_modules', 'undici')) };
    };
    expect(await loaded(['ls', box.dir])).toEqual({ sdk: false, undici: false });
    expect(await loaded(['ls', 's3:/'])).toMatchObject({ sdk: true });
  });

  it('bad input: unknown bucket, wrong keys, a refused endpoint: one line each, exit 1', async () => {
    const cases: [string[], RegExp][] = [
      [s3Args({ ...s3, bucket: 'no-such-bucket' }), /bucket 'no-such-bucket' does not exist/],
      [s3Args({ ...s3, access_key_id: 'WRONGKEY' }), /refused the credentials.*access_key_id/],
      [s3Args({ ...s3, endpoint: 'http://127.0.0.1:1' }), /cannot reach S3 endpoint http:\/\/127\.0\.0\.1:1/],
    ];
    for (const [args, message] of cases) {
      expect((await ferry(['remote', 'add', 'bad', 's3', ...args], box)).code).toBe(0);
      const r = await ferry(['ls', 'bad:/'], box);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).not.toContain(s3.secret_access_key);
    }
  });

  it('115 -> S3: a seeded tree lands with its SHA-1s, checked on the S3 side', async () => {
    const p115: P115Emulator = await startP115Emulator();
    try {
      const user = p115.users[0]!;
      const files = new Map<string, Buffer>();
      for (let i = 0; i < 6; i++) {
        const data = Buffer.from(createHash('sha256').update(`film ${i}`).digest().toString('hex').repeat(4000 * (i + 1)));
        files.set(i % 2 ? `Films/sub/f${i}.bin` : `Films/f${i}.bin`, data);
      }
      for (const [rel, data] of files) p115.putFile(user.name, rel, data);
      const { type, ...options } = p115EmulatorRemote(p115, user.cookie);
      const args = Object.entries(options).map(([k, v]) => `${k}=${v}`);
      expect((await ferry(['remote', 'add', 'p115', type, ...args, 'qps=50'], box)).code).toBe(0);
      const copy = await ferry(['copy', 'p115:/Films', 's3:/films', '--json'], box);
      expect(copy.code, copy.stderr).toBe(0);
      expect(summaryOf(copy)).toMatchObject({ copied: 6, failed: 0 });
      // The SHA-1 S3 holds (listed, no byte read) and the SHA-1 of the bytes S3 serves.
      const listed = hashes((await ferry(['hash', 's3:/films'], box)).stdout);
      const down = join(box.dir, 'films-back');
      expect(summaryOf(await ferry(['copy', 's3:/films', down, '--json'], box))).toMatchObject({ copied: 6, failed: 0 });
      for (const [rel, data] of files) {
        const sha1 = createHash('sha1').update(data).digest('hex');
        const inside = rel.slice('Films/'.length);
        expect(listed.get(inside), inside).toBe(sha1);
        expect(await sha1File(join(down, inside))).toBe(sha1);
      }
    } finally {
      await p115.close();
    }
  });

  it('S3 -> Aliyun: a rapid hit reads only proof bytes from S3, the SHA-1 taken from the metadata', async () => {
    const ali: AliyunOpenEmulator = await startAliyunOpenEmulator({ rateLimits: false });
    try {
      const local = join(box.dir, 'rapid-src', 'movie.mkv');
      await writeRandomFile(local, 3 * 1024 * 1024);
      const data = await fs.readFile(local);
      ali.addBlob(data);
      expect(summaryOf(await ferry(['copy', join(box.dir, 'rapid-src'), 's3:/rapid', '--json'], box))).toMatchObject({ copied: 1 });
      const added = await ferry(['remote', 'add', 'ali', 'aliyun-open', ...aliyunOpenArgs(ali)], box);
      expect(added.code).toBe(0);
      const copy = await ferry(['copy', 's3:/rapid', 'ali:/rapid', '--json'], box);
      expect(copy.code, copy.stderr).toBe(0);
      const summary = summaryOf(copy);
      expect(summary).toMatchObject({ rapid: 1, copied: 0, failed: 0 });
      expect(summary.sourceBytesRead).toBeGreaterThan(0);
      expect(summary.sourceBytesRead).toBeLessThan(8 * 1024);
      expect(ali.read('/rapid/movie.mkv')?.equals(data)).toBe(true);
    } finally {
      await ali.close();
    }
  });
});
