import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type P115Emulator, type AliyunOpenEmulator, aliyunOpenEmulatorOptions, startP115Emulator, startAliyunOpenEmulator } from '@ferry/emulators';
import { getProviderFactory } from '@ferry/core';
import { registerAllProviders } from '@ferry/providers';
import { type RunResult, type Sandbox, aliyunOpenArgs, cleanupAfterEach, ferry, listFiles, p115EndpointArgs, summaryOf, tempSandbox } from './helpers.js';
import { withQueuePrefix } from './queue-sandbox.js';

const cleanups = cleanupAfterEach();

const box = () => tempSandbox(cleanups);

/** Refused as a usage error, on one line naming both locations as typed. */
function expectRefused(run: RunResult, source: string, dest: string): void {
  expect(run.code, run.stderr).toBe(2);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(`source ${source} and destination ${dest} overlap`);
  expect(run.stdout).toBe('');
}

/** /srv/ov holding src/a.txt and a sibling sib/b.txt, with `ov` a local remote rooted there. */
async function localTree(b: Sandbox): Promise<string> {
  const root = join(b.dir, 'srv', 'ov');
  await fs.mkdir(join(root, 'src'), { recursive: true });
  await fs.mkdir(join(root, 'sib'), { recursive: true });
  await fs.writeFile(join(root, 'src', 'a.txt'), 'a');
  await fs.writeFile(join(root, 'sib', 'b.txt'), 'b');
  expect((await ferry(['remote', 'add', 'ov', 'local', `root=${root}`], b)).code).toBe(0);
  return root;
}

describe('source and destination that are the same place under other names', () => {
  it('a named local remote: sync --delete into the folder holding the source is refused and deletes nothing', async () => {
    const b = await box();
    const root = await localTree(b);
    const run = await ferry(['sync', 'ov:/src', root, '--delete'], b);
    expectRefused(run, 'ov:/src', root);
    expect(await listFiles(root)).toEqual(['sib/b.txt', 'src/a.txt']);

    const into = await ferry(['copy', root, 'ov:/src/backup'], b);
    expectRefused(into, root, 'ov:/src/backup');
    expect(await listFiles(root)).toEqual(['sib/b.txt', 'src/a.txt']);
  });

  it('a symlink to the source, or into it, is refused; a sibling of the source is not', async () => {
    const b = await box();
    const root = await localTree(b);
    await fs.symlink(join(root, 'src'), join(b.dir, 'link'));
    const run = await ferry(['copy', 'link', join(root, 'src', 'new')], b);
    expectRefused(run, join(b.dir, 'link'), join(root, 'src', 'new'));
    const back = await ferry(['sync', join(root, 'src', 'a.txt'), 'link', '--delete'], b);
    expect(back.code).toBe(2);
    expect(await listFiles(root)).toEqual(['sib/b.txt', 'src/a.txt']);

    const sibling = await ferry(['copy', 'link', 'ov:/src2', '--json'], b);
    expect(summaryOf(sibling)).toMatchObject({ copied: 1, failed: 0 });
    expect(await fs.readFile(join(root, 'src2', 'a.txt'), 'utf8')).toBe('a');
  });

  it('--queue refuses before anything is queued', async () => {
    const b = withQueuePrefix(await box(), cleanups);
    const root = await localTree(b);
    const run = await ferry(['sync', 'ov:/src', root, '--delete', '--queue'], b);
    expectRefused(run, 'ov:/src', root);
    const jobs = await ferry(['jobs', 'list'], b);
    expect(jobs.code, jobs.stderr).toBe(0);
    expect(jobs.stdout).toBe('');
  });
});

describe('on 115: two remotes of one account', () => {
  let emu: P115Emulator;
  beforeAll(async () => {
    emu = await startP115Emulator();
  });
  afterAll(() => emu.close());

  it('a remote rooted in a folder of another one is the same place: refused; its sibling is not', async () => {
    const b = await box();
    emu.putFile('alice', 'Media/src/film.mkv', Buffer.from('film'));
    emu.putFile('alice', 'Media/other/keep.txt', Buffer.from('keep'));
    const mediaId = emu.tree('alice').folderByPath('Media')!;
    const whole = ['remote', 'add', 'all', 'p115', ...p115EndpointArgs(emu), `cookie=${emu.login('alice', 'tv')}`];
    const rooted = ['remote', 'add', 'media', 'p115', ...p115EndpointArgs(emu), `cookie=${emu.login('alice', 'android')}`, `root_id=${mediaId}`];
    expect((await ferry(whole, b)).code).toBe(0);
    expect((await ferry(rooted, b)).code).toBe(0);

    const run = await ferry(['sync', 'all:/Media/src', 'media:/', '--delete'], b);
    expectRefused(run, 'all:/Media/src', 'media:/');
    const into = await ferry(['copy', 'media:/', 'all:/Media/src/new'], b);
    expectRefused(into, 'media:/', 'all:/Media/src/new');
    expect(emu.tree('alice').folderByPath('Media/other')).toBeDefined();

    const sibling = summaryOf(await ferry(['copy', 'all:/Media/src', 'media:/copy', '--json'], b));
    expect(sibling.copied + sibling.rapid).toBe(1);
    expect(sibling.failed).toBe(0);
  });
});

describe('on Aliyun Drive: two remotes of one drive', () => {
  let emu: AliyunOpenEmulator;
  beforeAll(async () => {
    emu = await startAliyunOpenEmulator({ rateLimits: false });
    registerAllProviders();
  });
  afterAll(() => emu.close());

  it('a remote rooted in a folder of another one is the same place: refused; its sibling is not', async () => {
    const b = await box();
    emu.put('backup/src/a.txt', Buffer.from('a'));
    emu.put('backup/other/keep.txt', Buffer.from('keep'));
    const credentials = (token: string) => aliyunOpenArgs(emu, token);
    const factory = getProviderFactory('aliyun-open');
    const probe = factory.create('probe', factory.options.parse(aliyunOpenEmulatorOptions(emu, emu.issueRefreshToken())), {});
    const backupId = (await probe.stat('/backup')).id!;
    expect((await ferry(['remote', 'add', 'ali', 'aliyun-open', ...credentials(emu.refresh_token)], b)).code).toBe(0);
    expect((await ferry(['remote', 'add', 'bak', 'aliyun-open', ...credentials(emu.issueRefreshToken()), `root_id=${backupId}`], b)).code).toBe(0);

    const run = await ferry(['sync', 'ali:/backup/src', 'bak:/', '--delete'], b);
    expectRefused(run, 'ali:/backup/src', 'bak:/');
    const into = await ferry(['copy', 'bak:/src', 'ali:/backup/src/new'], b);
    expectRefused(into, 'bak:/src', 'ali:/backup/src/new');
    expect(emu.names('backup')?.sort()).toEqual(['other', 'src']);

    const sibling = summaryOf(await ferry(['copy', 'ali:/backup/src', 'bak:/copy', '--json'], b));
    expect(sibling.copied + sibling.rapid).toBe(1);
    expect(sibling.failed).toBe(0);
  });
});
