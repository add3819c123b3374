import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type P115Emulator, startP115Emulator } from '@ferry/emulators';
import { type Sandbox, ferry, p115EndpointArgs, sandbox } from './helpers.js';

let emu: P115Emulator;
let box: Sandbox;
let share: { share_code: string; receive_code: string };

/** The cid of folder `name` in share folder `cid`, as 115's share page and snap listing show it. */
async function folderCid(cid: string, name: string): Promise<string> {
  const q = new URLSearchParams({ ...share, cid, offset: '0', limit: '100' });
  const reply = (await (await fetch(`${emu.hosts.webapi}/share/snap?${q}`)).json()) as { data: { list: { n: string; cid: string; fc: number }[] } };
  const item = reply.data.list.find((i) => i.n === name && i.fc === 0);
  if (!item) throw new Error(`no folder ${name} in share folder ${cid}`);
  return item.cid;
}

beforeAll(async () => {
  emu = await startP115Emulator({ users: ['alice', 'bob'] });
  emu.putFile('alice', 'Films/poster.jpg', Buffer.from('poster'));
  emu.putFile('alice', 'Films/Series/ep1.mkv', Buffer.from('episode one'));
  emu.putFile('alice', 'Films/Series/S2/ep2.mkv', Buffer.from('episode two'));
  share = emu.createShare('alice', ['/Films']);
  box = await sandbox();
  expect((await ferry(['remote', 'add', 'bob115', 'p115', `cookie=${emu.users[1]!.cookie}`, ...p115EndpointArgs(emu)], box)).code).toBe(0);
});
afterAll(async () => {
  await emu.close();
  await fs.rm(box.dir, { recursive: true, force: true });
});

describe('p115-share root_id', () => {
  it('shows the share folder it names as "/", with paths inside it, configured or inline', async () => {
    const series = await folderCid(await folderCid('0', 'Films'), 'Series');
    const added = await ferry(['remote', 'add', 'series', 'p115-share', `share_code=${share.share_code}`, `receive_code=${share.receive_code}`, 'account=bob115', `root_id=${series}`], box);
    expect(added.code).toBe(0);

    const ls = await ferry(['ls', '-R', 'series:/'], box);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toContain('ep1.mkv');
    expect(ls.stdout).toContain('S2/ep2.mkv');
    expect(ls.stdout).not.toContain('poster.jpg');

    const dst = join(box.dir, 'got');
    const copy = await ferry(['copy', 'series:/S2', dst], box);
    expect(copy.code).toBe(0);
    expect(await fs.readFile(join(dst, 'ep2.mkv'), 'utf8')).toBe('episode two');

    const inline = await ferry(['ls', `:p115-share,share_code=${share.share_code},receive_code=${share.receive_code},account=bob115,root_id=${series}:/S2`], box);
    expect(inline.code).toBe(0);
    expect(inline.stdout).toContain('ep2.mkv');
  });

  it('a root_id that is no folder of the share fails with one line naming it', async () => {
    const r = await ferry(['ls', `:p115-share,share_code=${share.share_code},receive_code=${share.receive_code},account=bob115,root_id=999:/`], box);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('root_id 999 is not a folder of this share');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
