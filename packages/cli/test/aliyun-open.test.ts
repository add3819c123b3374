import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aliyunOpenArgs, ferry, finished, listFiles, sandbox, startFerry, summaryOf, waitFor, writeSmallTree } from './helpers.js';

describe('ferry and Aliyun Drive Open', () => {
  it('emulate aliyun-open --json feeds a remote; copy there and back, the rotated token saved in the config', async () => {
    const box = await sandbox();
    const child = startFerry(['emulate', 'aliyun-open', '--json'], box);
    const done = finished(child);
    const [line] = await waitFor(child.stdout!, /^\{.*\}\n/);
    const info = JSON.parse(line!) as { base: string; client_id: string; client_secret: string; refresh_token: string; drive_id: string };
    expect(Object.keys(info).sort()).toEqual(['base', 'client_id', 'client_secret', 'drive_id', 'refresh_token']);
    const add = await ferry(
      ['remote', 'add', 'ali', 'aliyun-open', ...aliyunOpenArgs(info)],
      box,
    );
    expect(add.code, add.stderr).toBe(0);
    const shown = await ferry(['remote', 'show', 'ali'], box);
    expect(shown.stdout).not.toContain(info.refresh_token);
    expect(shown.stdout).not.toContain(info.client_secret);

    const src = join(box.dir, 'src');
    const rels = await writeSmallTree(src, 30);
    const up = await ferry(['copy', src, 'ali:/backup', '--json'], box);
    expect(up.code, up.stderr).toBe(0);
    expect(summaryOf(up)).toMatchObject({ copied: 30, failed: 0 });
    const config = JSON.parse(await fs.readFile(box.env.FERRY_CONFIG!, 'utf8')) as { remotes: { ali: { refresh_token: string } } };
    expect(config.remotes.ali.refresh_token).not.toBe(info.refresh_token);

    const again = await ferry(['copy', src, 'ali:/backup', '--json'], box);
    expect(summaryOf(again)).toMatchObject({ copied: 0, skipped: 30 });

    const back = await ferry(['copy', 'ali:/backup', join(box.dir, 'back'), '--json'], box);
    expect(summaryOf(back)).toMatchObject({ copied: 30, failed: 0 });
    expect(await listFiles(join(box.dir, 'back'))).toEqual([...rels].sort());
    for (const rel of rels) expect((await fs.readFile(join(box.dir, 'back', rel))).equals(await fs.readFile(join(src, rel)))).toBe(true);

    const local = await ferry(['hash', join(src, rels[3]!)], box);
    const remote = await ferry(['hash', `ali:/backup/${rels[3]!}`], box);
    expect(remote.stdout.split(' ')[0]).toBe(local.stdout.split(' ')[0]);

    child.kill('SIGTERM');
    expect((await done).code).toBe(0);
    await fs.rm(box.dir, { recursive: true, force: true });
  });
});
