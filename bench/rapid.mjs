#!/usr/bin/env node
// Issue 4's benchmark: 115 -> Aliyun copy of files Aliyun already holds (rapid upload, 秒传),
// next to the same files copied the slow way (streamed in parts), both against the emulators
// in this process. Prints wall time per file and bytes read from 115 per file; exits 0 whatever
// the verdicts, non-zero only when the copy itself failed.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigStore, resolveLocation, runTransfer } from '@ferry/core';
import { aliyunOpenEmulatorRemote, p115EmulatorRemote, startP115Emulator, startAliyunOpenEmulator } from '@ferry/emulators';
import { registerAllProviders } from '@ferry/providers';
import { formatTable } from './report.mjs';

const FILES = Number(process.env.BENCH_RAPID_FILES ?? 1000);
const FILE_BYTES = Number(process.env.BENCH_RAPID_KIB ?? 256) * 1024;
const TARGET_BYTES_PER_FILE = 8 * 1024;

registerAllProviders();

/** A config of two remotes over the emulators, in a folder of its own (the user's is never read). */
async function remotes(dir, p115, aliyun) {
  const store = new ConfigStore(join(dir, `ferry-${Date.now()}.config.json`));
  await store.save({
    remotes: {
      // 115's own pace (2 calls a second) would make this a benchmark of the throttle; the
      // emulator has no request budget, so the client may go faster.
      src: { ...p115EmulatorRemote(p115, p115.users[0].cookie), qps: 100 },
      dst: aliyunOpenEmulatorRemote(aliyun),
    },
    defaults: {},
  });
  const config = await store.load();
  return { source: resolveLocation('src:/bench', config, store), target: resolveLocation('dst:/bench', config, store) };
}

async function copyOnce(label, dir, p115, aliyun) {
  const { source, target } = await remotes(dir, p115, aliyun);
  const cdnBefore = p115.cdnBytesServed;
  const started = process.hrtime.bigint();
  const summary = await runTransfer({ source, target, mode: 'copy' });
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  if (summary.failed > 0) throw new Error(`${label}: ${summary.failed} file(s) failed, first: ${summary.errors[0]?.message}`);
  const cdnBytes = p115.cdnBytesServed - cdnBefore;
  console.log(`  ${label}: ${summary.rapid} rapid, ${summary.copied} streamed in ${wallS.toFixed(1)} s; 115's CDN served ${cdnBytes} bytes`);
  return { wallS, summary, cdnBytes };
}

async function main() {
  const dir = await fs.mkdtemp(join(tmpdir(), 'ferry-bench-rapid-'));
  const p115 = await startP115Emulator({ users: ['bench'] });
  const held = await startAliyunOpenEmulator();
  const empty = await startAliyunOpenEmulator();
  try {
    console.log(`115 -> Aliyun, ${FILES} files of ${FILE_BYTES / 1024} KiB, emulators in process`);
    for (let i = 0; i < FILES; i++) {
      const data = randomBytes(FILE_BYTES);
      p115.putFile(p115.users[0].name, `/bench/d${i % 20}/f${String(i).padStart(4, '0')}.bin`, data);
      held.addBlob(data);
    }
    const rapid = await copyOnce('rapid (Aliyun holds every file)', dir, p115, held);
    const slow = await copyOnce('slow (Aliyun holds none)', dir, p115, empty);
    if (rapid.summary.rapid !== FILES) throw new Error(`expected ${FILES} rapid uploads, got ${rapid.summary.rapid}`);

    const perFileMs = (r) => (r.wallS * 1000) / FILES;
    const readPerFile = rapid.summary.sourceBytesRead / FILES;
    const cdnPerFile = rapid.cdnBytes / FILES;
    console.log('');
    console.log(
      formatTable([
        ['Rapid: wall time per file', `${perFileMs(rapid).toFixed(1)} ms`, `${perFileMs(slow).toFixed(1)} ms (slow)`, `${(rapid.wallS / slow.wallS).toFixed(2)}x`, '(info)', ''],
        ['Rapid: bytes read from 115 per file (engine)', `${readPerFile.toFixed(0)} B`, `${FILE_BYTES} B (slow)`, '', `< ${TARGET_BYTES_PER_FILE} B`, readPerFile < TARGET_BYTES_PER_FILE ? 'PASS' : 'FAIL'],
        ['Rapid: bytes served by 115 CDN per file', `${cdnPerFile.toFixed(0)} B`, `${(slow.cdnBytes / FILES).toFixed(0)} B (slow)`, '', `< ${TARGET_BYTES_PER_FILE} B`, cdnPerFile < TARGET_BYTES_PER_FILE ? 'PASS' : 'FAIL'],
      ]),
    );
    console.log('\nWall time is bounded by the documented Aliyun request rates, which the client keeps to.');
    return 0;
  } finally {
    await Promise.all([p115.close(), held.close(), empty.close()]);
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`bench: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  },
);
