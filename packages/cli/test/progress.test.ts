import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type P115Emulator, startP115Emulator } from '@ferry/emulators';
import { type RunResult, type Sandbox, ferry, finished, p115EndpointArgs, sandbox, startFerry } from './helpers.js';
import { withQueuePrefix } from './queue-sandbox.js';

/** The plain progress lines a run printed (stderr is a pipe here, not a terminal). */
function progressLines(r: RunResult): string[] {
  return r.stderr.split('\n').filter((l) => /^Transferred: .* \/ .*; files \d+\/\d+$/.test(l));
}

let emu: P115Emulator;
let box: Sandbox;

beforeAll(async () => {
  emu = await startP115Emulator();
  box = await sandbox();
  const user = emu.users[0]!;
  // 115's own pace, 2 calls a second: the calls, not the bytes, set the time of a rapid upload.
  const added = await ferry(['remote', 'add', 'em', 'p115', `cookie=${user.cookie}`, ...p115EndpointArgs(emu), 'qps=2'], box);
  expect(added.code, added.stderr).toBe(0);
});
afterAll(async () => {
  await emu.close();
  await fs.rm(box.dir, { recursive: true, force: true });
});

describe('progress lines', () => {
  it('rapid uploads are files done, not bytes sent: files/s, and the last line counts every file', async () => {
    const src = join(box.dir, 'held');
    await fs.mkdir(src, { recursive: true });
    for (let i = 0; i < 7; i++) {
      const data = randomBytes(200 * 1024 + i);
      emu.putFile(emu.users[0]!.name, `/elsewhere/track-${i}.flac`, data);
      await fs.writeFile(join(src, `track-${i}.flac`), data);
    }
    const r = await ferry(['copy', src, 'em:/Music', '--progress-interval', '0.05'], box);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/Files: 0 copied, 7 rapid, 0 skipped, 0 failed/);
    const lines = progressLines(r);
    expect(lines.at(-1), r.stderr).toMatch(/^Transferred: 0 B \/ 0 B, [\d.]+ files\/s, ETA -; files 7\/7$/);
    // No line ever showed a byte rate: no byte of these files crossed the wire.
    for (const line of lines) expect(line).not.toMatch(/B\/s/);
  });

  it('copied, skipped and failed files all count toward files done', async () => {
    const local = await sandbox();
    const src = join(local.dir, 'src');
    const dst = join(local.dir, 'dst');
    await fs.mkdir(src);
    await fs.writeFile(join(src, 'new.txt'), 'new');
    await fs.writeFile(join(src, 'secret.txt'), 'no');
    await fs.writeFile(join(src, 'same.txt'), 'same');
    const copied = await ferry(['copy', join(src, 'same.txt'), dst], local);
    expect(copied.code, copied.stderr).toBe(0);
    await fs.chmod(src, 0o755);
    await fs.chmod(local.dir, 0o777);
    await fs.chmod(join(src, 'secret.txt'), 0o000);
    // Root reads everything, so as root the command runs as nobody.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    if (process.getuid?.() === 0) await fs.chown(dst, 65534, 65534);
    const env = { ...local, env: { ...local.env, FERRY_STATE_DIR: join(local.dir, 'state-nobody') } };
    const r = await ferry(['copy', src, dst, '--progress-interval', '0.05', '--retries', '0'], env, asNobody);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/Files: 1 copied, 0 rapid, 1 skipped, 1 failed/);
    expect(progressLines(r).at(-1), r.stderr).toMatch(/; files 3\/3$/);
    await fs.rm(local.dir, { recursive: true, force: true });
  });

  it('copy --queue --wait follows the workers with the same lines, ending with every file counted', async () => {
    const cleanups: (() => Promise<void>)[] = [];
    const local = withQueuePrefix(await sandbox(), cleanups);
    try {
      const src = join(local.dir, 'src');
      await fs.mkdir(src);
      for (let i = 0; i < 12; i++) await fs.writeFile(join(src, `f${i}.txt`), `file ${i}\n`);
      const first = await ferry(['copy', join(src, 'f0.txt'), join(local.dir, 'dst')], local);
      expect(first.code, first.stderr).toBe(0);
      const worker = startFerry(['worker', '--concurrency', '2'], local);
      const workerDone = finished(worker);
      cleanups.push(async () => {
        if (worker.exitCode === null) worker.kill('SIGTERM');
        await workerDone;
      });
      const r = await ferry(['copy', 'src', 'dst', '--queue', '--wait', '--progress-interval', '0.05'], local);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('Files: 11 copied, 0 rapid, 1 skipped, 0 failed');
      expect(progressLines(r).at(-1), r.stderr).toMatch(/, [\d.]+ files\/s, ETA -; files 12\/12$/);
    } finally {
      for (const c of cleanups.reverse()) await c();
      await fs.rm(local.dir, { recursive: true, force: true });
    }
  });

  it('--progress-interval takes seconds, and refuses anything else with exit 2', async () => {
    const r = await ferry(['copy', box.dir, join(box.dir, 'x'), '--progress-interval', 'often'], box);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ferry: --progress-interval must be a number of seconds/);
  });
});
