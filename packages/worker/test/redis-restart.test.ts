import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { followTransfer, openQueues, submitTransfer } from '../src/index.js';
import { dropPrefix, makeTree, tempDir, uniquePrefix, until, cleanupAfterEach } from './helpers.js';
import { type WorkerProcess, spawnWorker, stopWorker, writeConfig } from './processes.js';

/** A Redis of this test's own, so stopping it disturbs nobody else. */
const PORT = 6390;
const URL = `redis://127.0.0.1:${PORT}`;

const cleanups = cleanupAfterEach();

/** redis-server with an append-only file fsynced at every write: jobs survive the restart. */
async function startRedis(dir: string): Promise<ChildProcess> {
  const server = spawn('redis-server', ['--port', String(PORT), '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    server.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) resolve();
    });
    server.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  return server;
}

async function stopRedis(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  await exited;
}

it('workers ride out a Redis restart mid-run: no job is lost and the transfer completes', async () => {
  const dir = tempDir('restart');
  const src = join(dir, 'src');
  const dst = join(dir, 'dst');
  const data = join(dir, 'redis');
  for (const d of [src, dst, data]) mkdirSync(d);
  const rels = makeTree(src, 300, 50);
  const configPath = writeConfig(dir, { s: { root: src }, d: { root: dst, partDelayMs: 15 } });
  let redis = await startRedis(data);
  const prefix = uniquePrefix();
  const workers: WorkerProcess[] = [];
  const queues = await openQueues(URL, prefix);
  cleanups.push(async () => {
    for (const w of workers) await stopWorker(w, 'SIGKILL');
    await queues.close();
    queues.redis.disconnect();
    await dropPrefix(URL, prefix);
    await stopRedis(redis);
    rmSync(dir, { recursive: true, force: true });
  });

  // A job fetched just as Redis went away can be active with nobody working on it: stalled-job
  // recovery hands it out again once its lock lapses (30 s + 30 s by default; shorter here).
  const options = { redisUrl: URL, prefix, concurrency: 2, lockDuration: 4000, stalledInterval: 2000 };
  for (let i = 0; i < 2; i++) workers.push(await spawnWorker(options, { FERRY_CONFIG: configPath }));
  const { id } = await submitTransfer(queues, {
    mode: 'copy', source: 's:/', target: 'd:/', deleteExtraneous: false, compare: 'default', include: [], exclude: [], retries: 3,
  });
  const copiedLines = () => workers.reduce((n, w) => n + w.lines.filter((l) => l.startsWith('copied: ')).length, 0);
  await until(() => copiedLines() >= 30, 'the first files');

  await stopRedis(redis);
  const copiedWhileDown = copiedLines();
  await new Promise((r) => setTimeout(r, 1500));
  redis = await startRedis(data);

  const summary = await followTransfer(queues, id, () => {});
  expect(copiedWhileDown).toBeLessThan(rels.length);
  expect(summary).toMatchObject({ state: 'done', failed: 0, copied: rels.length, plannedFiles: rels.length });
  for (const rel of rels) expect(readFileSync(join(dst, rel), 'utf8')).toBe(readFileSync(join(src, rel), 'utf8'));
  expect(workers.every((w) => w.lines.some((l) => l.includes('reconnecting')))).toBe(true);
});
