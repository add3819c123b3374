import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { type AliyunOpenEmulator, startAliyunOpenEmulator } from '@ferry/emulators';
import { type Sandbox, aliyunOpenArgs, ferry, finished, sandbox, startFerry, summaryOf } from './helpers.js';
import { withQueuePrefix } from './queue-sandbox.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let ali: AliyunOpenEmulator;
beforeAll(async () => {
  ali = await startAliyunOpenEmulator({ rateLimits: false });
});
afterAll(async () => {
  await ali.close();
});

/** A sandbox under its own queue prefix, with the Aliyun emulator as remote `ali`. */
async function queueSandbox(): Promise<Sandbox> {
  const box = await sandbox();
  cleanups.push(() => fs.rm(box.dir, { recursive: true, force: true }));
  const queued = withQueuePrefix(box, cleanups);
  const added = await ferry(
    ['remote', 'add', 'ali', 'aliyun-open', ...aliyunOpenArgs(ali, ali.issueRefreshToken())],
    queued,
  );
  expect(added.code, added.stderr).toBe(0);
  return queued;
}

function expectUsageError(r: { code: number | null; stderr: string }, text: string): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toContain(text);
}

it('queued --rapid-only with filters and --bwlimit: the workers stream nothing, --wait writes the report and the log; --from-report copies the misses', async () => {
  const box = await queueSandbox();
  const src = join(box.dir, 'src');
  const lacking = new Map<string, Buffer>();
  for (let i = 0; i < 10; i++) {
    const rel = `d${i % 2}/f${i}.bin`;
    const data = randomBytes(i === 9 ? 100 : 4096 + i * 1000);
    await fs.mkdir(join(src, `d${i % 2}`), { recursive: true });
    await fs.writeFile(join(src, rel), data);
    // f9 is below --min-size: left out, neither tried nor reported.
    if (i === 9) continue;
    if (i % 2 === 0) ali.addBlob(data);
    else lacking.set(rel, data);
  }
  const worker = startFerry(['worker', '--concurrency', '2'], box);
  const workerDone = finished(worker);
  cleanups.push(async () => {
    if (worker.exitCode === null) worker.kill('SIGTERM');
    await workerDone;
  });

  const report = join(box.dir, 'misses.jsonl');
  const log = join(box.dir, 'run.log');
  const first = await ferry(
    ['copy', 'src', 'ali:/q', '--rapid-only', '--min-size', '1K', '--bwlimit', '10M', '--queue', '--wait', '--report', report, '--log-file', log, '--json'],
    box,
  );
  expect(first.code, first.stderr).toBe(0);
  expect(summaryOf(first)).toMatchObject({ rapid: 5, missed: 4, copied: 0, bytes: 0, failed: 0 });
  const lines = (await fs.readFile(report, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { path: string; size: number; sha1: string });
  expect(lines.map((l) => l.path).sort()).toEqual([...lacking.keys()].sort());
  for (const l of lines) expect(l.sha1).toBe(createHash('sha1').update(lacking.get(l.path)!).digest('hex'));
  const logged = await fs.readFile(log, 'utf8');
  expect(logged.match(/ INFO {2}: d\d\/f\d\.bin: Missed rapid upload/g)).toHaveLength(4);
  expect(logged.match(/ INFO {2}: d\d\/f\d\.bin: Copied by rapid upload/g)).toHaveLength(5);
  for (const rel of lacking.keys()) expect(ali.read(`/q/${rel}`)).toBeUndefined();
  // The workers discarded each miss's upload session instead of leaving it half-made.
  expect(ali.uploadingFiles()).toBe(0);

  const second = await ferry(['copy', 'src', 'ali:/q', '--from-report', report, '--bwlimit', '10M', '--queue', '--wait', '--json'], box);
  expect(second.code, second.stderr).toBe(0);
  expect(summaryOf(second)).toMatchObject({ copied: 4, rapid: 0, skipped: 0, failed: 0 });
  for (const [rel, data] of lacking) expect(ali.read(`/q/${rel}`)).toEqual(data);
  expect(ali.read('/q/d1/f9.bin')).toBeUndefined();
});

it('a queued --report or --log-file needs --wait; --rapid-only to local disk is refused before anything is queued', async () => {
  const box = await queueSandbox();
  await fs.mkdir(join(box.dir, 'src'), { recursive: true });
  expectUsageError(await ferry(['copy', 'src', 'ali:/x', '--rapid-only', '--queue', '--report', 'r.jsonl'], box), 'add --wait');
  expectUsageError(await ferry(['copy', 'src', 'dst', '--rapid-only', '--queue'], box), 'takes no rapid uploads');
  const list = await ferry(['jobs', 'list'], box);
  expect(list.stdout.trim()).toBe('');
});

it('schedule add checks every transfer flag when added, and keeps them with the schedule', async () => {
  const box = await queueSandbox();
  await fs.mkdir(join(box.dir, 'src'), { recursive: true });
  const add = (...flags: string[]) => ferry(['schedule', 'add', 'nightly', 'copy', 'src', 'ali:/nightly', '--cron', '0 3 * * *', ...flags], box);
  expectUsageError(await add('--bwlimit', '8:00,1M'), '--bwlimit takes a rate');
  expectUsageError(await add('--max-age', 'soon'), '--max-age takes an age');
  expectUsageError(await add('--on-conflict', 'merge'), '--on-conflict must be one of');
  expectUsageError(await add('--filter-from', 'missing.txt'), 'no such file');
  const local = await ferry(['schedule', 'add', 'local', 'copy', 'src', 'dst', '--cron', '0 3 * * *', '--rapid-only'], box);
  expectUsageError(local, 'takes no rapid uploads');
  expect((await ferry(['schedule', 'list'], box)).stdout.trim()).toBe('');

  await fs.writeFile(join(box.dir, 'rules.txt'), '- *.tmp\n');
  const ok = await add('--rapid-only', '--bwlimit', '08:00,512K 19:00,off', '--min-size', '1M', '--filter-from', 'rules.txt', '--on-conflict', 'skip');
  expect(ok.code, ok.stderr).toBe(0);
  const list = await ferry(['schedule', 'list'], box);
  expect(list.stdout).toContain('-> ali:/nightly --on-conflict skip (1 filter rule(s)) --min-size 1048576B --rapid-only --bwlimit "08:00,512K 19:00,off"');
  await ferry(['schedule', 'rm', 'nightly'], box);
});
