import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type P115Emulator, startP115Emulator } from '@ferry/emulators';
import { openQueues, submitTransfer } from '@ferry/worker';
import { CLI, type Sandbox, ferry, finished, listFiles, p115EndpointArgs, sandbox, startFerry } from './helpers.js';
import { REDIS_URL, withQueuePrefix } from './queue-sandbox.js';

// Every listing below is several times a pipe's capacity (64 KiB on Linux) plus what `head` reads
// at once, so ferry is still writing when its reader has gone: the pipe really closes early.
const FILES = 3000;
const LONG = 'n'.repeat(150);
const SIGPIPE_STATUS = 128 + 13;

let box: Sandbox;
let tree: string;
let emu: P115Emulator;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  box = await sandbox();
  tree = join(box.dir, 'tree');
  await fs.mkdir(tree);
  for (let i = 0; i < FILES; i++) await fs.writeFile(join(tree, `f-${String(i).padStart(5, '0')}-${LONG}`), `file ${i}\n`);
  emu = await startP115Emulator({ seedDir: tree, offlineQuota: 2 * FILES });
  expect((await ferry(['remote', 'add', 'em', 'p115', `cookie=${emu.users[0]!.cookie}`, ...p115EndpointArgs(emu)], box)).code).toBe(0);
});
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  await emu.close();
  await fs.rm(box.dir, { recursive: true, force: true });
});

interface HeadRun {
  /** What `head` printed. */
  lines: string[];
  /** Ferry's stderr (head writes none). */
  stderr: string;
  /** Ferry's exit status as the shell reports it. */
  status: number;
}

/** `ferry ARGS | head -n LINES` in bash, through a real pipe. */
async function ferryIntoHead(args: string[], lines: number, env = box.env): Promise<HeadRun> {
  const script = `"$@" | head -n ${lines}; echo "ferry exited \${PIPESTATUS[0]}"`;
  const child = spawn('bash', ['-c', script, 'bash', process.execPath, CLI, ...args], { env, cwd: box.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const run = await finished(child);
  const out = run.stdout.trimEnd().split('\n');
  const status = /^ferry exited (\d+)$/.exec(out.pop() ?? '');
  if (!status) throw new Error(`no exit status from bash:\n${run.stdout}\n${run.stderr}`);
  return { lines: out, stderr: run.stderr, status: Number(status[1]) };
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

describe('output into a closed pipe ends ferry quietly, as SIGPIPE ends coreutils', () => {
  it('ls', async () => {
    const run = await ferryIntoHead(['ls', tree], 1);
    expect(run.stderr).toBe('');
    expect(run.lines).toHaveLength(1);
    expect(run.lines[0]).toMatch(new RegExp(`^ +7  \\S+ \\S+  f-00000-${LONG}$`));
    expect(run.status).toBe(SIGPIPE_STATUS);
  });

  it('hash of a local folder and of a 115 folder', async () => {
    for (const path of [tree, 'em:/']) {
      const run = await ferryIntoHead(['hash', path], 3);
      expect(run.stderr).toBe('');
      expect(run.lines).toEqual([0, 1, 2].map((i) => `${sha1(`file ${i}\n`)}  f-${String(i).padStart(5, '0')}-${LONG}`));
      expect(run.status).toBe(SIGPIPE_STATUS);
    }
  });

  it('is killed by the signal itself, so a parent that is not a shell sees SIGPIPE', async () => {
    const child = startFerry(['ls', tree], box);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout!.once('data', () => child.stdout!.destroy());
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
    expect(stderr).toBe('');
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGPIPE' });
  });

  it('copy --json whose reader left: the copy still completes, the summary goes nowhere, no message', async () => {
    const dst = join(box.dir, 'copied');
    const child = startFerry(['copy', tree, dst, '--json'], box);
    // Closed before ferry has even started, so the summary line is written into a closed pipe.
    child.stdout!.destroy();
    const run = await finished(child);
    expect(run.stderr).toBe('');
    expect(run.signal).toBe('SIGPIPE');
    expect(await listFiles(dst)).toHaveLength(FILES);
  });

  it('copy --dry-run, whose plan is written from the transfer engine', async () => {
    const run = await ferryIntoHead(['copy', tree, join(box.dir, 'never'), '--dry-run'], 1);
    expect(run.stderr).toBe('');
    expect(run.lines[0]).toMatch(new RegExp(`^would copy f-\\d{5}-${LONG} \\(\\d+ B\\)$`));
    expect(run.status).toBe(SIGPIPE_STATUS);
  });

  it('an error line into a closed stderr', async () => {
    const child = startFerry(['ls', join(box.dir, 'missing')], box);
    child.stderr!.destroy();
    const run = await finished(child);
    expect(run.stdout).toBe('');
    expect(run.signal).toBe('SIGPIPE');
  });

  it('jobs list, as text and as --json', async () => {
    const queued = withQueuePrefix(box, cleanups);
    const queues = await openQueues(REDIS_URL, queued.env.FERRY_PREFIX!);
    try {
      for (let i = 0; i < 600; i++) await submitTransfer(queues, { mode: 'copy', source: `/src/${i}-${LONG}`, target: `/dst/${i}-${LONG}` });
    } finally {
      await queues.close();
      queues.redis.disconnect();
    }
    for (const json of [[], ['--json']]) {
      const run = await ferryIntoHead(['jobs', 'list', '--limit', '1000', ...json], 1, queued.env);
      expect(run.stderr).toBe('');
      expect(run.lines[0]).toContain(`-${LONG}`);
      expect(run.status).toBe(SIGPIPE_STATUS);
    }
  });

  it('offline list of a 115 remote', async () => {
    // 115's offline tasks are slow to add (each URL goes through m115's RSA), too slow for a listing
    // longer than a pipe holds: the reader leaves before ferry has started instead.
    const urls = Array.from({ length: 5 }, (_, i) => `magnet:?xt=urn:btih:${sha1(String(i))}&dn=${i}-${LONG}`);
    const add = await ferry(['offline', 'add', ...urls, 'em:/offline'], box);
    expect(add.code).toBe(0);
    const child = startFerry(['offline', 'list', 'em'], box);
    child.stdout!.destroy();
    const run = await finished(child);
    expect(run.stderr).toBe('');
    expect(run.signal).toBe('SIGPIPE');
  });

  it('any other write error on stdout is one line on stderr and exit 1', async () => {
    const full = await fs.open('/dev/full', 'w');
    const child = spawn(process.execPath, [CLI, 'ls', tree], { env: box.env, cwd: box.dir, stdio: ['ignore', full.fd, 'pipe'] });
    await full.close();
    const run = await finished(child);
    expect(run.stderr).toMatch(/^ferry: cannot write to stdout: ENOSPC[^\n]*\n$/);
    expect(run.code).toBe(1);
  });
});
