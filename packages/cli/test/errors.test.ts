import { join } from 'node:path';
import { promises as fs } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type RunResult, ferry, sandbox } from './helpers.js';

function expectOneLineError(r: RunResult, pattern: RegExp): void {
  expect(r.code).not.toBe(0);
  const lines = r.stderr.trim().split('\n');
  expect(lines.some((l) => pattern.test(l)), r.stderr).toBe(true);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('bad input gets a one-line error and a non-zero exit', () => {
  it('unknown remote', async () => {
    const box = await sandbox();
    const r = await ferry(['copy', 'nosuch:/a', join(box.dir, 'd')], box);
    expectOneLineError(r, /^ferry: unknown remote 'nosuch'/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('missing path', async () => {
    const box = await sandbox();
    const r = await ferry(['copy', join(box.dir, 'missing'), join(box.dir, 'd')], box);
    expectOneLineError(r, /^ferry: .*missing: no such file or folder$/);
    await expect(fs.stat(join(box.dir, 'd'))).rejects.toThrow();
  });

  it('malformed config, naming the field', async () => {
    const box = await sandbox();
    await fs.writeFile(box.env.FERRY_CONFIG!, JSON.stringify({ remotes: { disk: { type: 'local', root: 42 } } }));
    const r = await ferry(['ls', 'disk:/'], box);
    expectOneLineError(r, /^ferry: remote 'disk': root: .*string/);
    await fs.writeFile(box.env.FERRY_CONFIG!, JSON.stringify({ remotes: { 'a b': { type: 'local', root: '/' } } }));
    expectOneLineError(await ferry(['remote', 'list'], box), /^ferry: config .*: remotes\.a b: /);
    await fs.writeFile(box.env.FERRY_CONFIG!, '{ not json');
    expectOneLineError(await ferry(['remote', 'list'], box), /^ferry: config .* is not valid JSON/);
  });

  it('unreadable file: the file fails, the others are copied, exit is non-zero', async () => {
    const box = await sandbox();
    const src = join(box.dir, 'src');
    await fs.mkdir(src);
    await fs.writeFile(join(src, 'ok.txt'), 'ok');
    await fs.writeFile(join(src, 'secret.txt'), 'no');
    await fs.chmod(src, 0o755);
    await fs.chmod(box.dir, 0o777);
    await fs.chmod(join(src, 'secret.txt'), 0o000);
    // Root reads everything, so as root the command runs as nobody.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const dst = join(box.dir, 'dst');
    const r = await ferry(['copy', src, dst], { ...box, env: { ...box.env, FERRY_STATE_DIR: join(box.dir, 'state-nobody') } }, asNobody);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/failed: secret\.txt: .*secret\.txt: permission denied/);
    expect(r.stderr).toMatch(/Files: 1 copied, 0 rapid, 0 skipped, 1 failed/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await fs.readFile(join(dst, 'ok.txt'), 'utf8')).toBe('ok');
    expect(await fs.readdir(dst)).toEqual(['ok.txt']);
  });

  it('bad flags and unknown commands exit 2', async () => {
    const box = await sandbox();
    expect((await ferry(['copy', 'a'], box)).code).toBe(2);
    expect((await ferry(['frobnicate'], box)).code).toBe(2);
    const t = await ferry(['copy', box.dir, join(box.dir, 'x'), '--transfers', 'lots'], box);
    expectOneLineError(t, /^ferry: --transfers must be a whole number/);
    expect(t.code).toBe(2);
  });

  it('--verbose adds the stack trace', async () => {
    const box = await sandbox();
    const r = await ferry(['--verbose', 'ls', join(box.dir, 'missing')], box);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe('ferry remote', () => {
  it('adds, lists, shows and removes remotes, with the config written 0600', async () => {
    const box = await sandbox();
    const add = await ferry(['remote', 'add', 'disk', 'local', `root=${box.dir}`], box);
    expect(add.code, add.stderr).toBe(0);
    expect((await fs.stat(box.env.FERRY_CONFIG!)).mode & 0o777).toBe(0o600);
    expect((await ferry(['remote', 'list'], box)).stdout).toBe('disk: local\n');
    expect((await ferry(['remote', 'show', 'disk'], box)).stdout).toContain(`root = ${box.dir}`);
    await fs.writeFile(join(box.dir, 'f.txt'), 'hello');
    const ls = await ferry(['ls', 'disk:/'], box);
    expect(ls.stdout).toMatch(/\s5\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+f\.txt/);
    const hash = await ferry(['hash', 'disk:/f.txt'], box);
    expect(hash.stdout).toBe('aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d  f.txt\n');
    expectOneLineError(await ferry(['remote', 'add', 'bad', 'local', 'nope=1'], box), /has no option 'nope'/);
    expectOneLineError(await ferry(['remote', 'add', 'bad', 'nosuchtype'], box), /unknown remote type 'nosuchtype'/);
    expect((await ferry(['remote', 'remove', 'disk'], box)).code).toBe(0);
    expect((await ferry(['remote', 'list'], box)).stdout).toBe('');
    const help = await ferry(['remote', 'add', '--help'], box);
    expect(help.stdout).toMatch(/local: A folder on local disk/);
    expect(help.stdout).toMatch(/root=<string>/);
    expect(help.stdout).toMatch(/ part_size=<size> .*\(default 16M\)\n/);
  });
});
