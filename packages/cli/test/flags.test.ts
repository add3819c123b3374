import { randomBytes } from 'node:crypto';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AliyunOpenEmulator, type P115Emulator, startP115Emulator, startAliyunOpenEmulator } from '@ferry/emulators';
import { type Sandbox, aliyunOpenArgs, ferry, listFiles, p115EndpointArgs, sandbox, summaryOf } from './helpers.js';

let box: Sandbox;

beforeAll(async () => {
  box = await sandbox();
});
afterAll(async () => {
  await fs.rm(box.dir, { recursive: true, force: true });
});

const DAY = 86_400_000;

/** A folder of files of the given sizes (bytes) and ages (days before now). */
async function tree(name: string, files: Record<string, { size: number; days?: number }>): Promise<string> {
  const root = join(box.dir, name);
  for (const [rel, { size, days }] of Object.entries(files)) {
    const path = join(root, rel);
    await fs.mkdir(join(path, '..'), { recursive: true });
    await fs.writeFile(path, randomBytes(size));
    if (days !== undefined) {
      const t = new Date(Date.now() - days * DAY);
      await fs.utimes(path, t, t);
    }
  }
  return root;
}

/** A usage error: exit 2 and one line on stderr, no stack trace. */
function expectUsageError(r: { code: number | null; stderr: string }, text: string): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toContain(text);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('filter flags on copy and sync', () => {
  it('--min-size and --max-size take rclone sizes (K = 1024, a bare number is KiB)', async () => {
    const src = await tree('sizes', { 'tiny.bin': { size: 100 }, 'a/mid.bin': { size: 3 * 1024 }, 'a/big.bin': { size: 20 * 1024 }, 'edge.bin': { size: 2048 } });
    const dst = join(box.dir, 'sizes-out');
    const r = await ferry(['copy', src, dst, '--min-size', '2', '--max-size', '10K', '--json'], box);
    expect(r.code, r.stderr).toBe(0);
    expect(summaryOf(r)).toMatchObject({ copied: 2, failed: 0 });
    expect(await listFiles(dst)).toEqual(['a/mid.bin', 'edge.bin']);
  });

  it('--min-age and --max-age take rclone ages and pick by modification time', async () => {
    const src = await tree('ages', { 'new.txt': { size: 10, days: 0 }, 'week.txt': { size: 10, days: 8 }, 'old/year.txt': { size: 10, days: 400 } });
    const young = join(box.dir, 'ages-young');
    const r1 = await ferry(['copy', src, young, '--max-age', '1w', '--json'], box);
    expect(summaryOf(r1)).toMatchObject({ copied: 1 });
    expect(await listFiles(young)).toEqual(['new.txt']);
    const middle = join(box.dir, 'ages-middle');
    const r2 = await ferry(['copy', src, middle, '--min-age', '2d', '--max-age', '1y', '--json'], box);
    expect(summaryOf(r2)).toMatchObject({ copied: 1 });
    expect(await listFiles(middle)).toEqual(['week.txt']);
  });

  it('--filter-from: "+ glob" and "- glob" lines, the first match wins; sync --delete keeps what the filter leaves out', async () => {
    const src = await tree('rules', {
      'keep/important.log': { size: 5 },
      'keep/other.log': { size: 5 },
      'photo.jpg': { size: 5 },
      'notes.txt': { size: 5 },
      'cache/x.jpg': { size: 5 },
    });
    const rules = join(box.dir, 'rules.txt');
    await fs.writeFile(rules, '# comments and blank lines are skipped\n\n+ keep/important.log\n- *.log\n- cache/**\n+ *.jpg\n- *\n');
    const dst = join(box.dir, 'rules-out');
    await fs.mkdir(dst, { recursive: true });
    await fs.writeFile(join(dst, 'mine.txt'), 'the target own file');
    const r = await ferry(['sync', src, dst, '--delete', '--filter-from', rules, '--json'], box);
    expect(r.code, r.stderr).toBe(0);
    expect(summaryOf(r)).toMatchObject({ copied: 2, deleted: 0, failed: 0 });
    expect(await listFiles(dst)).toEqual(['keep/important.log', 'mine.txt', 'photo.jpg']);
  });

  it('refuses bad values with one line and exit 2, before anything is copied', async () => {
    const src = await tree('bad', { 'a.txt': { size: 1 } });
    const dst = join(box.dir, 'bad-out');
    expectUsageError(await ferry(['copy', src, dst, '--min-size', '10X'], box), '--min-size takes a size');
    expectUsageError(await ferry(['copy', src, dst, '--max-age', 'yesterday'], box), '--max-age takes an age');
    expectUsageError(await ferry(['copy', src, dst, '--min-size', '2M', '--max-size', '1M'], box), 'no file could pass');
    expectUsageError(await ferry(['copy', src, dst, '--filter-from', join(box.dir, 'none.txt')], box), 'no such file');
    const rules = join(box.dir, 'bad-rules.txt');
    await fs.writeFile(rules, '+ *.txt\n*.jpg\n');
    expectUsageError(await ferry(['copy', src, dst, '--filter-from', rules], box), 'line 2 is not "+ glob" or "- glob"');
    expectUsageError(await ferry(['copy', src, dst, '--bwlimit', '25:00,1M'], box), '--bwlimit takes a rate');
    expectUsageError(await ferry(['copy', src, dst, '--bwlimit', '10M:1M'], box), 'upload:download');
    expectUsageError(await ferry(['copy', src, dst, '--log-file', join(box.dir, 'x.log'), '--log-level', 'LOUD'], box), '--log-level must be one of');
    expectUsageError(await ferry(['copy', src, dst, '--report', join(box.dir, 'r.jsonl')], box), 'add --rapid-only');
    expectUsageError(await ferry(['copy', src, dst, '--rapid-only'], box), 'takes no rapid uploads');
    await expect(fs.stat(dst)).rejects.toThrow();
  });

  it('--help lists every flag of the issue', async () => {
    for (const command of ['copy', 'sync']) {
      const help = await ferry([command, '--help'], box);
      for (const flag of ['--bwlimit', '--min-size', '--max-size', '--min-age', '--max-age', '--filter-from', '--log-file', '--log-level', '--rapid-only', '--report', '--from-report']) {
        expect(help.stdout, `${command} ${flag}`).toContain(flag);
      }
    }
    const schedule = await ferry(['schedule', 'add', '--help'], box);
    for (const flag of ['--bwlimit', '--min-size', '--filter-from', '--rapid-only', '--on-conflict']) expect(schedule.stdout).toContain(flag);
  });
});

describe('--bwlimit and --log-file', () => {
  it('a copy under a bandwidth timetable lands whole, and the log has one timestamped line per file at its level', async () => {
    const src = await tree('bw', { 'one.bin': { size: 300 * 1024 }, 'two.bin': { size: 1000 }, 'three.txt': { size: 10 } });
    const dst = join(box.dir, 'bw-out');
    await fs.mkdir(dst, { recursive: true });
    await fs.copyFile(join(src, 'three.txt'), join(dst, 'three.txt'));
    const stat = await fs.stat(join(src, 'three.txt'));
    await fs.utimes(join(dst, 'three.txt'), stat.atime, stat.mtime);
    const log = join(box.dir, 'bw.log');
    const r = await ferry(['copy', src, dst, '--bwlimit', '00:00,2M 12:00,4M', '--log-file', log, '--log-level', 'debug', '--json'], box);
    expect(r.code, r.stderr).toBe(0);
    expect(summaryOf(r)).toMatchObject({ copied: 2, skipped: 1, failed: 0 });
    expect((await fs.readFile(join(dst, 'one.bin'))).equals(await fs.readFile(join(src, 'one.bin')))).toBe(true);
    const lines = (await fs.readFile(log, 'utf8')).trim().split('\n');
    const stamp = String.raw`^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} `;
    expect(lines.filter((l) => new RegExp(`${stamp}INFO  : (one|two)\\.bin: Copied$`).test(l))).toHaveLength(2);
    expect(lines.some((l) => new RegExp(`${stamp}DEBUG : three\\.txt: Unchanged skipping$`).test(l))).toBe(true);

    const errorsOnly = join(box.dir, 'bw-errors.log');
    const again = await ferry(['copy', src, join(box.dir, 'bw-out2'), '--bwlimit', '10M', '--log-file', errorsOnly, '--log-level', 'ERROR', '--json'], box);
    expect(summaryOf(again)).toMatchObject({ copied: 3, failed: 0 });
    expect(await fs.readFile(errorsOnly, 'utf8')).toBe('');
  });
});

describe('--rapid-only and --from-report, 115 to Aliyun Drive', () => {
  let e115: P115Emulator;
  let ali: AliyunOpenEmulator;

  beforeAll(async () => {
    e115 = await startP115Emulator();
    ali = await startAliyunOpenEmulator({ rateLimits: false });
    const a = await ferry(['remote', 'add', 'src115', 'p115', `cookie=${e115.users[0]!.cookie}`, ...p115EndpointArgs(e115)], box);
    expect(a.code, a.stderr).toBe(0);
    const b = await ferry(
      ['remote', 'add', 'ali', 'aliyun-open', ...aliyunOpenArgs(ali)],
      box,
    );
    expect(b.code, b.stderr).toBe(0);
  });
  afterAll(async () => {
    await e115.close();
    await ali.close();
  });

  it('the first run streams nothing and reports exactly the files Aliyun lacks; the second copies exactly those', async () => {
    const user = e115.users[0]!.name;
    const held: string[] = [];
    const lacking = new Map<string, Buffer>();
    for (let i = 0; i < 8; i++) {
      const rel = `lib/${i % 2 ? 'music' : 'films'}/f${i}.bin`;
      const data = randomBytes(2000 + i * 70_000);
      e115.putFile(user, rel, data);
      if (i % 2 === 0) {
        ali.addBlob(data);
        held.push(rel.slice('lib/'.length));
      } else lacking.set(rel.slice('lib/'.length), data);
    }
    const report = join(box.dir, 'misses.jsonl');
    const first = await ferry(['copy', 'src115:/lib', 'ali:/lib', '--rapid-only', '--report', report, '--json'], box);
    expect(first.code, first.stderr).toBe(0);
    const s1 = summaryOf(first);
    const heldBytes = held.reduce((n, rel) => n + ali.read(`/lib/${rel}`)!.length, 0);
    expect(s1).toMatchObject({ rapid: 4, missed: 4, copied: 0, bytes: 0, failed: 0, rapidBytes: heldBytes });
    expect(s1.missedBytes).toBe([...lacking.values()].reduce((n, d) => n + d.length, 0));
    for (const rel of lacking.keys()) expect(ali.read(`/lib/${rel}`)).toBeUndefined();
    // Each miss's upload session was discarded, not left half-made on the drive.
    expect(ali.uploadingFiles()).toBe(0);

    const lines = (await fs.readFile(report, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { path: string; size: number; sha1: string; reason: string });
    expect(lines.map((l) => l.path).sort()).toEqual([...lacking.keys()].sort());
    for (const l of lines) {
      const data = lacking.get(l.path)!;
      expect(l.size).toBe(data.length);
      expect(l.sha1).toBe(createHash('sha1').update(data).digest('hex'));
      expect(l.reason).toEqual(expect.any(String));
    }
    await expect(fs.stat(`${report}.partial`)).rejects.toThrow();

    const text = await ferry(['copy', 'src115:/lib', 'ali:/lib', '--rapid-only'], box);
    expect(text.stderr).toContain('Rapid upload: 0 hit, 4 missed');
    expect(ali.uploadingFiles()).toBe(0);

    const second = await ferry(['copy', 'src115:/lib', 'ali:/lib', '--from-report', report, '--json'], box);
    expect(second.code, second.stderr).toBe(0);
    expect(summaryOf(second)).toMatchObject({ copied: 4, rapid: 0, skipped: 0, missed: 0, failed: 0 });
    for (const [rel, data] of lacking) expect(ali.read(`/lib/${rel}`)?.equals(data)).toBe(true);
  });

  it('--from-report refuses a file that is not a report', async () => {
    const bad = join(box.dir, 'not-a-report.jsonl');
    await fs.writeFile(bad, '{"path":"a"}\nnot json\n');
    expectUsageError(await ferry(['copy', 'src115:/lib', 'ali:/x', '--from-report', bad], box), 'line 2 is not a report line');
  });
});
