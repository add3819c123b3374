import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FerryQueues, openQueues } from '../src/index.js';
import { REDIS_URL, teardown, uniquePrefix } from './helpers.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/worker-process.mjs', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  lines: string[];
  /** Resolves on exit, whatever the cause. */
  exited: Promise<void>;
}

/** A worker in its own process (the built dist: run `npx tsc -p tsconfig.build.json` first). */
export async function spawnWorker(options: Record<string, unknown>, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [FIXTURE], {
    env: { ...process.env, ...env, FERRY_TEST_WORKER: JSON.stringify(options) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (line === 'ready') resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`worker process exited with ${code} before it was ready`)));
  });
  return { child, lines, exited };
}

export async function stopWorker(w: WorkerProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill(signal);
  await w.exited;
}

/** A config whose remotes are test-controlled local folders (type "testlocal"). */
export function writeConfig(dir: string, remotes: Record<string, Record<string, unknown>>): string {
  const path = join(dir, 'ferry.config.json');
  writeFileSync(path, JSON.stringify({ remotes: Object.fromEntries(Object.entries(remotes).map(([k, v]) => [k, { type: 'testlocal', ...v }])) }));
  return path;
}

export interface WorkersOnConfig {
  queues: FerryQueues;
  workers: WorkerProcess[];
}

/**
 * `count` worker processes sharing one prefix and one config file holding `remotes`, stopped and
 * cleaned up (queues, Redis keys, `dir`, then `close`) by `cleanups` after the test.
 */
export async function workersOnConfig(
  cleanups: (() => Promise<void> | void)[],
  dir: string,
  remotes: Record<string, unknown>,
  count: number,
  close: () => Promise<void> = async () => {},
): Promise<WorkersOnConfig> {
  const prefix = uniquePrefix();
  const configPath = join(dir, 'ferry.config.json');
  writeFileSync(configPath, JSON.stringify({ remotes }));
  const queues = await openQueues(REDIS_URL, prefix);
  const workers: WorkerProcess[] = [];
  cleanups.push(async () => {
    for (const w of workers) await stopWorker(w);
    await close();
    await teardown(queues, prefix, dir);
  });
  const options = { redisUrl: REDIS_URL, prefix, concurrency: 4 };
  workers.push(...(await Promise.all(Array.from({ length: count }, () => spawnWorker(options, { FERRY_CONFIG: configPath })))));
  return { queues, workers };
}
