import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import type { RunSummary } from '@ferry/core';
import {
  type AliyunOpenEmulatorEndpoints,
  type P115EmulatorEndpoints,
  type S3EmulatorEndpoints,
  aliyunOpenEmulatorOptions,
  p115EmulatorOptions,
  s3EmulatorOptions,
} from '@ferry/emulators';

export const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');

export interface Sandbox {
  dir: string;
  env: NodeJS.ProcessEnv;
}

/** A temp folder with its own config and state dir, so tests never touch $HOME or each other. */
export async function sandbox(): Promise<Sandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-cli-'));
  return {
    dir,
    env: { ...process.env, FERRY_CONFIG: join(dir, 'ferry.config.json'), FERRY_STATE_DIR: join(dir, 'state'), NO_COLOR: '1' },
  };
}

/** Cleanups run after each test of the file, last registered first. */
export function cleanupAfterEach(): (() => Promise<void>)[] {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return cleanups;
}

/** A sandbox removed after the test. */
export async function tempSandbox(cleanups: (() => Promise<void>)[]): Promise<Sandbox> {
  const box = await sandbox();
  cleanups.push(() => fs.rm(box.dir, { recursive: true, force: true }));
  return box;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function startFerry(args: string[], box: Sandbox, options: { uid?: number; gid?: number } = {}): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { env: box.env, cwd: box.dir, stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

export function ferry(args: string[], box: Sandbox, options: { uid?: number; gid?: number } = {}): Promise<RunResult> {
  const child = startFerry(args, box, options);
  return finished(child);
}

export function finished(child: ChildProcess): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export async function writeRandomFile(path: string, size: number): Promise<void> {
  await fs.mkdir(dirname(path), { recursive: true });
  const handle = await fs.open(path, 'w');
  try {
    const chunk = 8 * 1024 * 1024;
    for (let done = 0; done < size; done += chunk) await handle.write(randomBytes(Math.min(chunk, size - done)));
  } finally {
    await handle.close();
  }
}

/** 1,000 small files of varied sizes in nested folders. */
export async function writeSmallTree(root: string, count = 1000): Promise<string[]> {
  const rels: string[] = [];
  for (let i = 0; i < count; i++) {
    const rel = `d${i % 10}/e${i % 7}/file-${i}.dat`;
    await fs.mkdir(join(root, dirname(rel)), { recursive: true });
    await fs.writeFile(join(root, rel), randomBytes((i * 37) % 4096));
    rels.push(rel);
  }
  return rels;
}

/** Byte-for-byte comparison of two files, streamed so a 1 GiB file costs no memory. */
export async function sameBytes(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([fs.stat(a), fs.stat(b)]);
  if (sa.size !== sb.size) return false;
  const ha = await fs.open(b, 'r');
  try {
    let pos = 0;
    const other = Buffer.alloc(1024 * 1024);
    for await (const chunk of createReadStream(a, { highWaterMark: 1024 * 1024 })) {
      const buf = chunk as Buffer;
      let got = 0;
      while (got < buf.length) {
        const { bytesRead } = await ha.read(other, got, buf.length - got, pos + got);
        if (bytesRead === 0) return false;
        got += bytesRead;
      }
      if (!buf.equals(other.subarray(0, buf.length))) return false;
      pos += buf.length;
    }
    return true;
  } finally {
    await ha.close();
  }
}

export async function listFiles(root: string): Promise<string[]> {
  const all = await fs.readdir(root, { recursive: true, withFileTypes: true });
  return all
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(root.length + 1))
    .sort();
}

export type Summary = RunSummary;

export function summaryOf(result: RunResult): Summary {
  const line = result.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as Summary;
  } catch {
    throw new Error(`no JSON summary in output:\n${result.stdout}\n${result.stderr}`);
  }
}

/** Resolves with the first match of `re` in what the stream has written so far. */
export function waitFor(stream: NodeJS.ReadableStream, re: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.on('data', (d: Buffer) => {
      text += d.toString();
      const m = re.exec(text);
      if (m) resolve(m);
    });
    stream.on('end', () => reject(new Error(`stream ended without ${re}: ${text}`)));
  });
}

/** Options as `ferry remote add NAME TYPE` takes them: key=value. */
export function optionArgs(options: Record<string, string | number | boolean>): string[] {
  return Object.entries(options).map(([k, v]) => `${k}=${v}`);
}

/** key=value options pointing a p115 remote at the emulator, with a test-friendly request rate. */
export function p115EndpointArgs(e: P115EmulatorEndpoints): string[] {
  return [...optionArgs(p115EmulatorOptions(e)), 'qps=50'];
}

/** key=value options of an aliyun-open remote on the emulator; `refreshToken` as aliyunOpenEmulatorOptions takes it. */
export function aliyunOpenArgs(e: AliyunOpenEmulatorEndpoints, refreshToken?: string): string[] {
  return optionArgs(aliyunOpenEmulatorOptions(e, refreshToken));
}

/** key=value options of an s3 remote on the emulator's bucket. */
export function s3Args(e: S3EmulatorEndpoints): string[] {
  return optionArgs(s3EmulatorOptions(e));
}
