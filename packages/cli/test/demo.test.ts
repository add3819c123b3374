import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ferry, listFiles, sandbox } from './helpers.js';

async function demoDirs(): Promise<string[]> {
  return (await fs.readdir(tmpdir())).filter((n) => n.startsWith('ferry-demo-'));
}

describe('ferry demo', () => {
  it('copies the 115 library to Aliyun with rapid hits that read KiB, and leaves nothing behind', async () => {
    const box = await sandbox();
    const before = await demoDirs();
    const r = await ferry(['demo'], box);
    expect(r.code, r.stderr).toBe(0);
    const rapid = [...r.stderr.matchAll(/rapid +(.+) \(([^()]+)\): landed from its SHA-1, ([\d.]+) (B|KiB) read from 115/g)];
    expect(rapid.map((m) => m[1])).toContain('Movies/Big Buck Bunny (2008).mkv');
    for (const m of rapid) expect(m[4] === 'B' || Number(m[3]) < 8).toBe(true);
    expect(r.stderr).toMatch(/streamed 19 file\(s\)/);
    expect(r.stderr).toMatch(/skipped {2}1 file\(s\)/);
    expect(r.stderr).toMatch(/SHA-1 check: 23\/23 files on Aliyun match/);
    const progress = r.stderr.split('\n').filter((l) => l.startsWith('Transferred: '));
    expect(progress.at(-1), r.stderr).toMatch(/; files 23\/23$/);
    expect(await demoDirs()).toEqual(before);
    await expect(fs.stat(box.env.FERRY_CONFIG!)).rejects.toThrow(/ENOENT/);
  });

  it('keeps the library, what landed and the config with --keep', async () => {
    const box = await sandbox();
    const keep = join(box.dir, 'kept');
    const r = await ferry(['demo', '--keep', keep], box);
    expect(r.code, r.stderr).toBe(0);
    const origin = await listFiles(join(keep, '115'));
    expect(origin).toHaveLength(23);
    expect(await listFiles(join(keep, 'aliyun'))).toEqual(origin);
    for (const rel of origin) {
      expect((await fs.readFile(join(keep, 'aliyun', rel))).equals(await fs.readFile(join(keep, '115', rel))), rel).toBe(true);
    }
    expect(JSON.parse(await fs.readFile(join(keep, 'demo.config.json'), 'utf8')).remotes.demo115.type).toBe('p115');
  });
});
