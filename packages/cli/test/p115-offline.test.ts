import { promises as fs } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type P115Emulator, startP115Emulator } from '@ferry/emulators';
import { type RunResult, type Sandbox, ferry, p115EndpointArgs, sandbox } from './helpers.js';

let emu: P115Emulator;
let box: Sandbox;
let origin: Server;
let base: string;

beforeAll(async () => {
  emu = await startP115Emulator();
  box = await sandbox();
  expect((await ferry(['remote', 'add', 'em', 'p115', `cookie=${emu.users[0]!.cookie}`, ...p115EndpointArgs(emu)], box)).code).toBe(0);
  // A file at /pub/*, and 404 for anything else: 115 (the emulator) fetches loopback links itself.
  origin = createServer((req, res) => {
    if (req.url?.startsWith('/pub/')) return res.end('offline bytes');
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => origin.close(r));
  await emu.close();
  await fs.rm(box.dir, { recursive: true, force: true });
});

/** `offline list` until no task is waiting or running. */
async function settledList(): Promise<RunResult> {
  for (;;) {
    const list = await ferry(['offline', 'list', 'em'], box);
    expect(list.code).toBe(0);
    if (!/^(waiting|running)/m.test(list.stdout)) return list;
  }
}

describe('ferry offline', () => {
  it('add into a missing folder creates it, and the file lands there', async () => {
    const add = await ferry(['offline', 'add', `${base}/pub/movie.mkv`, 'em:/Downloads/new'], box);
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/^added {2}[0-9a-f]{40} {2}/);
    expect((await settledList()).stdout).toMatch(/^done .* movie\.mkv$/m);
    const ls = await ferry(['ls', 'em:/Downloads/new'], box);
    expect(ls.stdout).toContain('movie.mkv');
  });

  it('list says a failed task failed and names its link', async () => {
    const dead = `${base}/gone/file.iso`;
    expect((await ferry(['offline', 'add', dead, 'em:/'], box)).code).toBe(0);
    const line = (await settledList()).stdout.split('\n').find((l) => l.includes('file.iso'));
    expect(line).toMatch(/^failed /);
    expect(line).toContain(`115 could not download ${dead}`);
    expect(line).toContain('gives no reason');
  });
});
