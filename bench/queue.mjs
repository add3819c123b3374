#!/usr/bin/env node
// Issue 5's benchmark: 20,000 tiny local -> local files through the BullMQ workers (1, 2 and 4
// worker processes) against the in-process runner on the same files. Small files travel in
// batches (packages/worker/src/small-file-batches.ts), so files/s is not BullMQ jobs/s. Needs a Redis
// ($REDIS_URL, else redis://127.0.0.1:6379) and the built packages. Standalone:
// `node bench/queue.mjs`; `benchQueue()` is exported for bench/run.mjs. Knobs for a smoke run:
// BENCH_QUEUE_FILES (20000), BENCH_QUEUE_CONCURRENCY (8 jobs at once per worker, 8 and 32 files in-process),
// BENCH_DASHBOARD_PAIRS (3 runs of one worker with and without `ferry serve` watching, interleaved).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, promises as fs, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveLocation, runTransfer } from '@ferry/core';
import { registerAllProviders } from '@ferry/providers';
import { followTransfer, openQueues, submitTransfer } from '@ferry/worker';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATA = join(ROOT, 'bench', '.data');
const CONCURRENCY = Number(process.env.BENCH_QUEUE_CONCURRENCY ?? 8);
/** The target: what the queue adds to each file, over the in-process runner. */
const TARGET_OVERHEAD_MS = 1;
/** Issue 13's target: a worker with the dashboard open is at most this much slower. */
const DASHBOARD_TARGET = 0.05;
const DASHBOARD_PAIRS = Number(process.env.BENCH_DASHBOARD_PAIRS ?? 3);
/** Files a worker's batch job copies at once (packages/worker/src/file-processor.ts). */
const BATCH_LANES = 4;

function makeTree(files) {
  const tree = join(DATA, `queue-tree-${files}`);
  const stamp = `${tree}.complete`;
  if (existsSync(stamp)) return tree;
  for (let i = 0; i < files; i++) {
    const dir = join(tree, `d${Math.floor(i / 200)}`);
    if (i % 200 === 0) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `f${i}.txt`), `tiny file ${i}\n`);
  }
  writeFileSync(stamp, '');
  return tree;
}

async function fresh(path) {
  await fs.rm(path, { recursive: true, force: true });
  await fs.mkdir(path, { recursive: true });
}

async function inProcess(tree, dst, transfers = CONCURRENCY) {
  const config = { remotes: {}, defaults: {} };
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const summary = await runTransfer({
    source: resolveLocation(tree, config),
    target: resolveLocation(dst, config),
    mode: 'copy',
    transfers,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, copied: summary.copied };
}

const WORKER_MAIN = `
import { FerryWorker } from '@ferry/worker';
const o = JSON.parse(process.env.BENCH_WORKER);
const worker = await FerryWorker.start(o);
process.stdout.write('ready\\n');
process.once('SIGTERM', () => void worker.close().then(() => {
  const used = process.cpuUsage();
  process.stdout.write('cpu ' + (used.user + used.system) / 1000 + '\\n');
  process.exit(0);
}));
`;

function startWorker(options) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', WORKER_MAIN], {
    cwd: ROOT,
    env: { ...process.env, BENCH_WORKER: JSON.stringify(options) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.cpuMs = 0;
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      const text = d.toString();
      const cpu = /cpu ([\d.]+)/.exec(text);
      if (cpu) child.cpuMs = Number(cpu[1]);
      if (text.includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`bench worker exited with ${code}`)));
  });
}

async function stop(child) {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function dropPrefix(redis, prefix) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

/**
 * `ferry serve` on the bench's queue with one page's event stream open (read and dropped), as a
 * dashboard left open in a browser would be while the workers run.
 */
async function startDashboard(redisUrl, prefix) {
  const child = spawn(process.execPath, [join(ROOT, 'packages', 'cli', 'bin', 'ferry.js'), 'serve', '--addr', '127.0.0.1:0', '--redis', redisUrl, '--prefix', prefix], {
    cwd: ROOT,
    env: { ...process.env, FERRY_CONFIG: join(DATA, 'serve-bench.config.json') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (d) => {
      text += d.toString();
      const m = /(http:\/\/\S+)\n/.exec(text);
      if (m) resolve(new URL(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`ferry serve exited with ${code}`)));
  });
  const abort = new AbortController();
  const res = await fetch(`${url.origin}/api/live`, { headers: { authorization: `Bearer ${url.searchParams.get('token')}` }, signal: abort.signal });
  let snapshots = 0;
  const reading = (async () => {
    for await (const chunk of res.body) snapshots += (Buffer.from(chunk).toString().match(/event: snapshot/g) ?? []).length;
  })().catch(() => {});
  return {
    async stop() {
      abort.abort();
      await reading;
      await stop(child);
      return snapshots;
    },
  };
}

async function queued(redisUrl, workers, tree, dst, { dashboard = false } = {}) {
  const prefix = `{ferry-bench-${randomBytes(3).toString('hex')}}`;
  const queues = await openQueues(redisUrl, prefix);
  const children = await Promise.all(Array.from({ length: workers }, () => startWorker({ redisUrl, prefix, concurrency: CONCURRENCY })));
  const serve = dashboard ? await startDashboard(redisUrl, prefix) : undefined;
  let result;
  try {
    const started = process.hrtime.bigint();
    const { id } = await submitTransfer(queues, { mode: 'copy', source: tree, target: dst });
    const summary = await followTransfer(queues, id, () => {});
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    result = { ms, copied: summary.copied };
  } finally {
    const snapshots = serve ? await serve.stop() : 0;
    if (result) result.snapshots = snapshots;
    await Promise.all(children.map(stop));
    await dropPrefix(queues.redis, prefix);
    await queues.close();
    queues.redis.disconnect();
  }
  // Worker CPU includes start-up (a few hundred ms per process, not per file).
  return { ...result, cpuMs: children.reduce((n, c) => n + c.cpuMs, 0) };
}

export async function benchQueue({ files = 20_000, redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379', log = console.log } = {}) {
  registerAllProviders();
  const tree = makeTree(files);
  const dst = join(DATA, 'queue-dst');
  // Read the tree once so every run copies from the page cache.
  await fresh(dst);
  await inProcess(tree, dst);

  const results = [];
  await fresh(dst);
  const narrow = await inProcess(tree, dst);
  results.push({ label: `in-process runner, ${CONCURRENCY} at once`, ...narrow });
  log(`in-process (${CONCURRENCY} at once): ${files} files in ${(narrow.ms / 1000).toFixed(2)} s`);
  // A worker runs CONCURRENCY batch jobs of BATCH_LANES files each: the fair baseline has as
  // many files in flight, and the faster of the two in-process runs is the one compared against.
  await fresh(dst);
  const wide = await inProcess(tree, dst, CONCURRENCY * BATCH_LANES);
  results.push({ label: `in-process runner, ${CONCURRENCY * BATCH_LANES} at once`, ...wide });
  log(`in-process (${CONCURRENCY * BATCH_LANES} at once): ${files} files in ${(wide.ms / 1000).toFixed(2)} s`);
  const base = wide.ms < narrow.ms ? wide : narrow;
  for (const n of [1, 2, 4]) {
    await fresh(dst);
    const r = await queued(redisUrl, n, tree, dst);
    if (r.copied !== files) throw new Error(`${n} worker(s) copied ${r.copied} of ${files} files`);
    results.push({ label: `${n} worker${n > 1 ? 's' : ''}`, workers: n, ...r });
    log(`${n} worker(s): ${files} files in ${(r.ms / 1000).toFixed(2)} s`);
  }
  // Issue 13: the dashboard must not slow the workers. One worker with and without `ferry serve`
  // and an open event stream, interleaved, the median of each compared.
  const plain = [];
  const watched = [];
  let snapshots = 0;
  for (let i = 0; i < DASHBOARD_PAIRS; i++) {
    for (const dashboard of [false, true]) {
      await fresh(dst);
      const r = await queued(redisUrl, 1, tree, dst, { dashboard });
      if (r.copied !== files) throw new Error(`1 worker${dashboard ? ' with the dashboard' : ''} copied ${r.copied} of ${files} files`);
      (dashboard ? watched : plain).push(r.ms);
      snapshots += r.snapshots ?? 0;
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const slowdown = median(watched) / median(plain) - 1;
  await fs.rm(dst, { recursive: true, force: true });

  const rate = (r) => (files / r.ms) * 1000;
  log(`\n${files} tiny files, local -> local; workers run ${CONCURRENCY} jobs at once (small files in batches, ${BATCH_LANES} files at once each)\n`);
  log('| run | files/s | vs in-process | wall ms per file | CPU ms per file |');
  log('| --- | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    const cols = [rate(r).toFixed(0), `${(rate(r) / rate(base)).toFixed(2)}x`, (r.ms / files).toFixed(3), (r.cpuMs / files).toFixed(3)];
    log(`| ${r.label} | ${cols.join(' | ')} |`);
  }
  const one = results.find((r) => r.workers === 1);
  const overhead = (one.ms - base.ms) / files;
  const verdict = overhead < TARGET_OVERHEAD_MS ? 'meets' : 'misses';
  log(`\nQueue overhead per file (1 worker vs the faster in-process run): ${overhead.toFixed(3)} ms wall, ${((one.cpuMs - base.cpuMs) / files).toFixed(3)} ms worker CPU; ${verdict} the target of < ${TARGET_OVERHEAD_MS} ms`);
  log('(Redis CPU is not counted; wall times on a shared machine swing with the disk, CPU times less.)');
  const dashVerdict = slowdown <= DASHBOARD_TARGET ? 'meets' : 'misses';
  log(
    `\n1 worker with \`ferry serve\` and one open event stream (${snapshots} snapshots read): median ${(median(watched) / 1000).toFixed(2)} s vs ${(median(plain) / 1000).toFixed(2)} s without, ` +
      `${(slowdown * 100).toFixed(1)}% wall time added (${DASHBOARD_PAIRS} interleaved pairs); ${dashVerdict} the target of <= ${DASHBOARD_TARGET * 100}%`,
  );
  return { files, results, overheadMs: overhead, dashboardSlowdown: slowdown };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  benchQueue({ files: Number(process.env.BENCH_QUEUE_FILES ?? 20_000) }).then(
    () => process.exit(0),
    (err) => {
      console.error(`bench: ${err.message}`);
      process.exit(1);
    },
  );
}
