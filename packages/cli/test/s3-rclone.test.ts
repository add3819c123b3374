import { spawn, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type S3Emulator, startS3Emulator } from '@ferry/emulators';
import { type Sandbox, ferry, s3Args, sandbox, summaryOf, writeSmallTree } from './helpers.js';

const hasRclone = spawnSync('rclone', ['version'], { stdio: 'ignore' }).status === 0;
if (!hasRclone) console.warn('s3-rclone.test.ts: rclone is not installed (Debian: apt-get install -y rclone); skipped');

let s3: S3Emulator;
let box: Sandbox;

/** rclone's s3 backend on the same bucket, configured by environment only. */
function rclone(args: string[]): Promise<{ code: number | null; out: string }> {
  // rclone refuses a custom CA bundle with its own transport; the emulator speaks plain HTTP.
  const { AWS_CA_BUNDLE: _bundle, ...inherited } = process.env;
  const env = {
    ...inherited,
    RCLONE_CONFIG: join(box.dir, 'rclone.conf'),
    RCLONE_CONFIG_EMU_TYPE: 's3',
    RCLONE_CONFIG_EMU_PROVIDER: 'Other',
    RCLONE_CONFIG_EMU_ENDPOINT: s3.endpoint,
    RCLONE_CONFIG_EMU_REGION: s3.region,
    RCLONE_CONFIG_EMU_ACCESS_KEY_ID: s3.access_key_id,
    RCLONE_CONFIG_EMU_SECRET_ACCESS_KEY: s3.secret_access_key,
    RCLONE_CONFIG_EMU_FORCE_PATH_STYLE: 'true',
    RCLONE_S3_NO_CHECK_BUCKET: 'true',
  };
  // Not spawnSync: the S3 server runs in this process and must keep answering.
  const child = spawn('rclone', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** Whole-millisecond times: both tools keep them exactly (rclone compares to the nanosecond). */
async function stampTimes(root: string, rels: string[]): Promise<Map<string, number>> {
  const times = new Map<string, number>();
  for (const [i, rel] of rels.entries()) {
    const ms = Date.UTC(2020, 0, 1 + i, 12, 0, 0, 100 + i);
    await fs.utimes(join(root, rel), new Date(ms), new Date(ms));
    times.set(rel, ms);
  }
  return times;
}

beforeAll(async () => {
  s3 = await startS3Emulator();
  box = await sandbox();
  const add = await ferry(
    ['remote', 'add', 's3', 's3', ...s3Args(s3)],
    box,
  );
  expect(add.code, add.stderr).toBe(0);
});
afterAll(async () => {
  await s3.close();
  await fs.rm(box.dir, { recursive: true, force: true });
});

describe.skipIf(!hasRclone)('Ferry and rclone on one bucket', () => {
  it('files rclone wrote are listed with its mtimes and skipped by ferry sync', async () => {
    const src = join(box.dir, 'by-rclone');
    const rels = await writeSmallTree(src, 20);
    const times = await stampTimes(src, rels);
    const up = await rclone(['copy', src, `emu:${s3.bucket}/rc`]);
    expect(up.code, up.out).toBe(0);

    const ls = await ferry(['ls', '-R', 's3:/rc'], box);
    expect(ls.code, ls.stderr).toBe(0);
    for (const rel of rels) {
      const line = ls.stdout.split('\n').find((l) => l.endsWith(`  ${rel}`));
      expect(line, rel).toContain(new Date(times.get(rel)!).toISOString().replace('T', ' ').slice(0, 19));
    }
    const sync = await ferry(['sync', src, 's3:/rc', '--json'], box);
    expect(sync.code, sync.stderr).toBe(0);
    expect(summaryOf(sync)).toMatchObject({ copied: 0, skipped: 20, failed: 0 });
  });

  it('files Ferry wrote carry the mtimes rclone reads, and rclone sync transfers none', async () => {
    const src = join(box.dir, 'by-ferry');
    const rels = await writeSmallTree(src, 20);
    const times = await stampTimes(src, rels);
    const up = await ferry(['copy', src, 's3:/fe', '--json'], box);
    expect(summaryOf(up)).toMatchObject({ copied: 20, failed: 0 });

    const listed = await rclone(['lsjson', '-R', '--files-only', `emu:${s3.bucket}/fe`]);
    expect(listed.code, listed.out).toBe(0);
    const entries = JSON.parse(listed.out.slice(listed.out.indexOf('['))) as { Path: string; ModTime: string }[];
    expect(entries).toHaveLength(20);
    // rclone's view of the local files, to the nanosecond, is its view of Ferry's objects.
    const localListed = await rclone(['lsjson', '-R', '--files-only', src]);
    const local = new Map((JSON.parse(localListed.out.slice(localListed.out.indexOf('['))) as { Path: string; ModTime: string }[]).map((e) => [e.Path, e.ModTime]));
    for (const e of entries) {
      expect(e.ModTime, e.Path).toBe(local.get(e.Path));
      expect(Math.abs(Date.parse(e.ModTime) - times.get(e.Path)!), e.Path).toBeLessThanOrEqual(1);
    }

    const sync = await rclone(['sync', src, `emu:${s3.bucket}/fe`, '-v']);
    expect(sync.code, sync.out).toBe(0);
    expect(sync.out).not.toMatch(/Copied|Updated modification time/);
    expect(sync.out).toMatch(/Transferred:\s+0 B|Transferred:\s+0 \//);
  });
});
