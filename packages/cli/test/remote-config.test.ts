import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aliyunOpenEmulatorOptions, p115EmulatorOptions, startP115Emulator, startAliyunOpenEmulator } from '@ferry/emulators';
import { ferry, sandbox } from './helpers.js';

async function readConfig(path: string): Promise<{ remotes: Record<string, Record<string, unknown>> }> {
  return JSON.parse(await fs.readFile(path, 'utf8')) as { remotes: Record<string, Record<string, unknown>> };
}

describe('remotes in the config', () => {
  it('a remote of an unknown type stops only the commands that use it, naming it; remote remove takes it out', async () => {
    const box = await sandbox();
    await fs.writeFile(join(box.dir, 'f.txt'), 'hello');
    await fs.writeFile(
      box.env.FERRY_CONFIG!,
      JSON.stringify({ remotes: { bad: { type: 'nope', token: 'x' }, disk: { type: 'local', root: box.dir } } }),
    );

    const bare = await ferry(['ls', box.dir], box);
    expect(bare.code, bare.stderr).toBe(0);
    expect(bare.stdout).toMatch(/\s5\s+\S+ \S+\s+f\.txt\n/);
    const disk = await ferry(['ls', 'disk:/'], box);
    expect(disk.code, disk.stderr).toBe(0);
    expect(disk.stdout).toMatch(/f\.txt/);
    expect((await ferry(['remote', 'list'], box)).stdout).toBe('bad: nope\ndisk: local\n');

    for (const args of [['ls', 'bad:/'], ['copy', join(box.dir, 'f.txt'), 'bad:/x'], ['remote', 'show', 'bad']]) {
      const r = await ferry(args, box);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/^ferry: remote 'bad' has unknown type 'nope' \(known types: [^)]*\blocal\b[^)]*\); .*ferry remote remove bad/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }

    const removed = await ferry(['remote', 'remove', 'bad'], box);
    expect(removed.code, removed.stderr).toBe(0);
    expect((await ferry(['remote', 'list'], box)).stdout).toBe('disk: local\n');
    expect((await readConfig(box.env.FERRY_CONFIG!)).remotes.disk).toEqual({ type: 'local', root: box.dir });
  });

  it('a bad option is named when its remote is used, and blocks no other remote', async () => {
    const box = await sandbox();
    await fs.writeFile(box.env.FERRY_CONFIG!, JSON.stringify({ remotes: { broken: { type: 'local', root: 42 }, disk: { type: 'local', root: box.dir } } }));
    const r = await ferry(['ls', 'broken:/'], box);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ferry: remote 'broken': root: .*string/);
    expect((await ferry(['ls', 'disk:/'], box)).code).toBe(0);

    await fs.writeFile(box.env.FERRY_CONFIG!, JSON.stringify({ remotes: { cloud: { type: 'p115', qps: 'fast' } } }));
    const login = await ferry(['login', 'p115', 'cloud'], box);
    expect(login.code).toBe(1);
    expect(login.stderr).toMatch(/^ferry: remote 'cloud': qps: .*number/);
    expect(login.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('remote add stores the options given, less those equal to the default; other remotes stay as they were', async () => {
    const box = await sandbox();
    // As an older version wrote it: every default spelled out.
    const older = { type: 'p115', cookie: 'UID=1', app_version: '35.6.0.3', page_size: 1000, qps: 2 };
    await fs.writeFile(box.env.FERRY_CONFIG!, JSON.stringify({ remotes: { older } }));
    const add = await ferry(
      ['remote', 'add', 'cloud', 'p115', 'cookie=UID=2_A1_3; CID=c; SEID=s', 'webapi_url=http://127.0.0.1:9', 'qps=2', 'page_size=500', 'app_version=35.6.0.3'],
      box,
    );
    expect(add.code, add.stderr).toBe(0);
    const config = await readConfig(box.env.FERRY_CONFIG!);
    expect(config.remotes.cloud).toEqual({ type: 'p115', cookie: 'UID=2_A1_3; CID=c; SEID=s', webapi_url: 'http://127.0.0.1:9', page_size: 500 });
    expect(config.remotes.older).toEqual(older);
    const local = await ferry(['remote', 'add', 'disk', 'local', `root=${box.dir}`], box);
    expect(local.code, local.stderr).toBe(0);
    expect((await readConfig(box.env.FERRY_CONFIG!)).remotes.disk).toEqual({ type: 'local', root: box.dir });
  });

  it('a config written with options since renamed or retired keeps working, with one notice line per option', async () => {
    const box = await sandbox();
    const [e115, ali] = await Promise.all([startP115Emulator(), startAliyunOpenEmulator()]);
    try {
      e115.putFile('alice', 'lib/a.txt', Buffer.from('a'));
      ali.put('/in/b.txt', Buffer.from('b'));
      const remotes = {
        old115: { type: 'p115', cookie: e115.users[0]!.cookie, ...p115EmulatorOptions(e115), upload_part_mib: 4, download_segment_mib: 2 },
        oldali: { type: 'aliyun-open', ...aliyunOpenEmulatorOptions(ali), on_conflict: 'skip' },
      };
      await fs.writeFile(box.env.FERRY_CONFIG!, JSON.stringify({ remotes }));
      const written = await fs.readFile(box.env.FERRY_CONFIG!, 'utf8');

      const p115 = await ferry(['ls', 'old115:/lib'], box);
      expect(p115.code, p115.stderr).toBe(0);
      expect(p115.stdout).toMatch(/a\.txt/);
      expect(p115.stderr.trim().split('\n').sort()).toEqual([
        "ferry: remote 'old115': option 'download_segment_mib' was renamed to 'download_segment_size' (sizes are now in bytes; key=value also takes 16M); read as download_segment_size=2097152",
        "ferry: remote 'old115': option 'upload_part_mib' was renamed to 'part_size' (sizes are now in bytes; key=value also takes 16M); read as part_size=4194304",
      ]);

      const aliyun = await ferry(['ls', 'oldali:/in'], box);
      expect(aliyun.code, aliyun.stderr).toBe(0);
      expect(aliyun.stdout).toMatch(/b\.txt/);
      expect(aliyun.stderr).toMatch(/^ferry: remote 'oldali': option 'on_conflict' is no longer read and is ignored: .*--on-conflict/);
      expect(aliyun.stderr.trim().split('\n')).toHaveLength(1);

      // Read, never rewritten, by those commands (the aliyun one saves only its rotated token).
      const after = JSON.parse(await fs.readFile(box.env.FERRY_CONFIG!, 'utf8')) as { remotes: Record<string, Record<string, unknown>> };
      expect(after.remotes['old115']).toEqual((JSON.parse(written) as typeof after).remotes['old115']);
      expect(after.remotes['oldali']!['on_conflict']).toBe('skip');

      const add = await ferry(['remote', 'add', 'new115', 'p115', 'part_size=32M', 'download_segment_mib=8'], box);
      expect(add.code, add.stderr).toBe(0);
      expect(add.stderr).toMatch(/option 'download_segment_mib' was renamed to 'download_segment_size'/);
      expect((await readConfig(box.env.FERRY_CONFIG!)).remotes['new115']).toEqual({ type: 'p115', part_size: 32 * 1024 * 1024, download_segment_size: 8 * 1024 * 1024 });
    } finally {
      await Promise.all([e115.close(), ali.close()]);
    }
  });
});

describe('names from before each provider had one name', () => {
  it('a legacy remote type reads, shows and is added under its current name', async () => {
    const box = await sandbox();
    const legacyShareType = '115share';
    await fs.writeFile(box.env.FERRY_CONFIG!, JSON.stringify({ remotes: { films: { type: legacyShareType, share_code: 'sw6pw793wfp' } } }));
    expect((await ferry(['remote', 'list'], box)).stdout).toBe('films: p115-share\n');
    expect((await ferry(['remote', 'show', 'films'], box)).stdout).toContain('type = p115-share\n');

    const add = await ferry(['remote', 'add', 'series', legacyShareType, 'share_code=abc'], box);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stderr).toContain("remote 'series' (p115-share)");
    expect((await readConfig(box.env.FERRY_CONFIG!)).remotes.series).toEqual({ type: 'p115-share', share_code: 'abc' });
  });

  it('the legacy words of login and emulate still run the current ones', async () => {
    const box = await sandbox();
    const legacyWord = { p115: '115', aliyunOpen: 'aliyun' };
    const legacyLogins = [
      [['login', legacyWord.p115, 'R', '--client-id', 'x'], '--client-id does not apply to p115 logins'],
      [['login', legacyWord.aliyunOpen, 'R', '--app', 'tv'], '--app does not apply to aliyun-open logins'],
    ] as const;
    for (const [args, message] of legacyLogins) {
      const r = await ferry([...args], box);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
    const legacyEmulates = [
      [['emulate', legacyWord.p115, '--help'], 'Run the 115 emulator'],
      [['emulate', legacyWord.aliyunOpen, '--help'], 'Run the Aliyun Drive Open API emulator'],
    ] as const;
    for (const [args, help] of legacyEmulates) {
      const r = await ferry([...args], box);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toContain(help);
    }
  });
});
