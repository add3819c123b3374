import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type P115Emulator, startP115Emulator } from '@ferry/emulators';
import { type Sandbox, ferry, p115EndpointArgs, sandbox } from './helpers.js';

let emu: P115Emulator;
let box: Sandbox;

beforeAll(async () => {
  emu = await startP115Emulator();
  box = await sandbox();
  const added = await ferry(['remote', 'add', 'em', 'p115', `cookie=${emu.users[0]!.cookie}`, ...p115EndpointArgs(emu)], box);
  expect(added.code, added.stderr).toBe(0);
});
afterAll(async () => {
  await emu.close();
  await fs.rm(box.dir, { recursive: true, force: true });
});

describe('ferry ls', () => {
  it('sorts each folder by name, whatever order 115 lists it in', async () => {
    const user = emu.users[0]!.name;
    // Listed as Ferry asks 115 (o=user_ptime): folders first, then by upload time, not by name.
    for (const path of ['/lib/c.txt', '/lib/B/z.txt', '/lib/a.txt', '/lib/B/y.txt', '/lib/A/x.txt', '/lib/b.txt']) {
      emu.putFile(user, path, Buffer.from(path));
    }
    const names = (out: string) => out.trim().split('\n').map((l) => l.split(/\s+/).pop());
    const flat = await ferry(['ls', 'em:/lib'], box);
    expect(flat.code, flat.stderr).toBe(0);
    expect(names(flat.stdout)).toEqual(['A/', 'B/', 'a.txt', 'b.txt', 'c.txt']);
    const deep = await ferry(['ls', '-R', 'em:/lib'], box);
    expect(names(deep.stdout)).toEqual(['A/', 'A/x.txt', 'B/', 'B/y.txt', 'B/z.txt', 'a.txt', 'b.txt', 'c.txt']);
  });
});
