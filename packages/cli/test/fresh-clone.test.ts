import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI_PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '..');
const REPO = join(CLI_PACKAGE, '..', '..');

async function binTarget(): Promise<string> {
  const manifest = JSON.parse(await fs.readFile(join(CLI_PACKAGE, 'package.json'), 'utf8')) as { bin?: { ferry?: unknown } };
  expect(typeof manifest.bin?.ferry).toBe('string');
  return resolve(CLI_PACKAGE, String(manifest.bin?.ferry));
}

describe('a fresh clone', () => {
  // npm links workspace bins before `prepare` builds dist/ and skips a bin whose target is
  // missing, so the target must be a file the repository itself holds.
  it('has the ferry bin target committed, outside the build output', async () => {
    const target = relative(REPO, await binTarget());
    expect(target.split('/')).not.toContain('dist');
    const { stdout } = await run('git', ['ls-files', '--error-unmatch', target], { cwd: REPO });
    expect(stdout.trim()).toBe(target);
    const { stdout: version } = await run(process.execPath, [await binTarget(), '--version']);
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('says how to build when the bin runs before the build', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-unbuilt-'));
    await fs.mkdir(join(dir, 'bin'));
    await fs.copyFile(await binTarget(), join(dir, 'bin', 'ferry.js'));
    await fs.writeFile(join(dir, 'package.json'), '{"type":"module"}');
    const result = await run(process.execPath, [join(dir, 'bin', 'ferry.js'), 'ls', '.']).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual(['ferry: the CLI is not built yet: run `npm ci` (or `npm run build`) in the Ferry checkout']);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('has a README whose links all point at files inside the repository', async () => {
    const text = await fs.readFile(join(REPO, 'README.md'), 'utf8');
    const links = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!).filter((link) => !/^[a-z]+:/i.test(link));
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      const target = resolve(REPO, link);
      expect(relative(REPO, target).startsWith('..'), link).toBe(false);
      await expect(fs.stat(target), link).resolves.toBeTruthy();
    }
  });
});
