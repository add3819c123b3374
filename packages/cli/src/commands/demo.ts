import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ConfigStore, type RunEvent, resolveLocation, runTransfer } from '@ferry/core';
import { aliyunOpenEmulatorRemote, p115EmulatorRemote, startAliyunOpenEmulator, startP115Emulator } from '@ferry/emulators';
import '../context.js';
import { formatBytes, formatDuration } from '../format.js';
import { ProgressReporter } from '../progress.js';

const MiB = 1024 * 1024;

interface DemoFile {
  path: string;
  size: number;
  /** Aliyun already holds these bytes (someone uploaded them before): a rapid upload lands them. */
  heldByAliyun?: boolean;
  /** Already at the destination from an earlier run: skipped. */
  alreadyCopied?: boolean;
}

/** A small library: one large film Aliyun already holds, music half held, photos and notes not. */
const LIBRARY: DemoFile[] = [
  { path: '/Library/Movies/Big Buck Bunny (2008).mkv', size: 160 * MiB, heldByAliyun: true },
  ...['Aria', 'Bolero', 'Canon', 'Clair de lune'].map((name, i) => ({
    path: `/Library/Music/${name}.flac`,
    size: 3 * MiB + i * 4099,
    heldByAliyun: i % 2 === 0,
  })),
  ...Array.from({ length: 6 }, (_, i) => ({
    path: `/Library/Photos/IMG_${2041 + i}.jpg`,
    size: 600 * 1024 + i * 777,
    alreadyCopied: i === 0,
  })),
  ...Array.from({ length: 12 }, (_, i) => ({ path: `/Library/Notes/note-${String(i + 1).padStart(2, '0')}.md`, size: 1000 + i * 97 })),
];

const sha1 = (data: Buffer) => createHash('sha1').update(data).digest('hex');

export function addDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('Copy a small 115 library to Aliyun Drive, both played by built-in emulators: no account, no network')
    .option('--keep <dir>', 'keep the library, what landed on Aliyun and the demo config in this folder')
    .addHelpText(
      'after',
      `
Starts the 115 and Aliyun Drive Open emulators in this process, seeds the 115 account, runs
"ferry copy demo115:/Library demoali:/Library" with the normal progress bar, and tells what
happened: rapid uploads (秒传) with the bytes they read from 115, streamed copies, skips, and a
SHA-1 check of every file that landed. Nothing is left behind unless --keep is given.`,
    )
    .action(async (flags: { keep?: string }) => {
      await runDemo(flags.keep);
    });
}

async function runDemo(keep: string | undefined): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'ferry-demo-'));
  const p115 = await startP115Emulator({ users: ['demo'] });
  const aliyun = await startAliyunOpenEmulator();
  try {
    const user = p115.users[0]!;
    const contents = new Map<string, Buffer>();
    for (const file of LIBRARY) {
      const data = randomBytes(file.size);
      contents.set(file.path, data);
      p115.putFile(user.name, file.path, data);
      if (file.heldByAliyun) aliyun.addBlob(data);
      if (file.alreadyCopied) aliyun.put(file.path, data);
    }

    // The demo's own config: the user's ferry.config.json is never read or touched.
    const store = new ConfigStore(join(work, 'ferry.config.json'));
    await store.save({
      remotes: {
        // 115's own pace (2 calls a second) would turn the demo into a wait; the emulator sets
        // no request budget, so the client may go faster here.
        demo115: { ...p115EmulatorRemote(p115, user.cookie), qps: 50 },
        demoali: aliyunOpenEmulatorRemote(aliyun),
      },
      defaults: {},
    });
    const config = await store.load();
    const source = resolveLocation('demo115:/Library', config, store);
    const target = resolveLocation('demoali:/Library', config, store);

    process.stderr.write(
      `Library on the 115 emulator: ${LIBRARY.length} files, ${formatBytes(LIBRARY.reduce((n, f) => n + f.size, 0))}\n` +
        `Running: ferry copy ${source.display} ${target.display}\n`,
    );
    const rapid: { rel: string; size: number; read: number }[] = [];
    const reporter = new ProgressReporter({ tty: !!process.stderr.isTTY, quiet: false, verbose: false, intervalMs: 2000 });
    const cdnBefore = p115.cdnBytesServed;
    let summary;
    try {
      summary = await runTransfer({
        source,
        target,
        mode: 'copy',
        onEvent: (event: RunEvent) => {
          if (event.type === 'file' && event.outcome === 'rapid') rapid.push({ rel: event.rel, size: event.size, read: event.sourceBytesRead });
          reporter.onEvent(event);
        },
      });
    } finally {
      reporter.stop();
    }

    let verified = 0;
    const mismatched: string[] = [];
    for (const [path, data] of contents) {
      const landed = aliyun.read(path);
      if (landed && sha1(landed) === sha1(data)) verified++;
      else mismatched.push(path);
    }

    const lines = ['', 'What happened:'];
    for (const r of rapid) {
      lines.push(`  rapid    ${r.rel} (${formatBytes(r.size)}): landed from its SHA-1, ${formatBytes(r.read)} read from 115`);
    }
    lines.push(
      `  streamed ${summary.copied} file(s), ${formatBytes(summary.bytes)} read from 115 and uploaded in parts`,
      `  skipped  ${summary.skipped} file(s) already on Aliyun with the same SHA-1`,
      `  failed   ${summary.failed}`,
      `  bytes the 115 CDN served in all: ${formatBytes(p115.cdnBytesServed - cdnBefore)} of ${formatBytes(
        LIBRARY.reduce((n, f) => n + f.size, 0),
      )} in the library, in ${formatDuration(summary.durationMs)}`,
      `SHA-1 check: ${verified}/${contents.size} files on Aliyun match 115's SHA-1${mismatched.length ? ` (mismatch: ${mismatched.join(', ')})` : ''}`,
    );
    for (const e of summary.errors) lines.push(`  failed: ${e.rel}: ${e.message}`);
    process.stderr.write(lines.join('\n') + '\n');

    if (keep) await keepArtifacts(keep, contents, (path) => aliyun.read(path), store.path);
    if (summary.failed > 0 || mismatched.length > 0) process.exitCode = 1;
  } finally {
    await Promise.all([p115.close(), aliyun.close()]);
    await fs.rm(work, { recursive: true, force: true });
  }
}

async function keepArtifacts(
  dir: string,
  contents: Map<string, Buffer>,
  readLanded: (path: string) => Buffer | undefined,
  configPath: string,
): Promise<void> {
  for (const [path, data] of contents) {
    for (const [side, bytes] of [['115', data], ['aliyun', readLanded(path)]] as const) {
      if (!bytes) continue;
      const file = join(dir, side, path);
      await fs.mkdir(join(file, '..'), { recursive: true });
      await fs.writeFile(file, bytes);
    }
  }
  await fs.copyFile(configPath, join(dir, 'demo.config.json'));
  process.stderr.write(`Kept the library (${join(dir, '115')}), what landed (${join(dir, 'aliyun')}) and the demo config in ${dir}\n`);
}
