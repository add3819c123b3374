#!/usr/bin/env node
// Issue 12's benchmark: uploads to S3 by Ferry and by rclone's s3 backend, to the same s3rver
// (`ferry emulate s3`, its own process), with the same part size and transfers: (a) the bench
// tree (1,000 small files and one 1 GiB file) and (b) the 1 GiB file alone. Ratios are Ferry's
// wall time over rclone's in one run; targets: <= 0.9x in both, Ferry's peak RSS < 200 MB.
// Exits 0 whatever the verdicts, 1 when a tool fails, 2 when a prerequisite is missing.
import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import { basename, join } from 'node:path';
import { DATA_DIR, dataSpec, ensureData } from './data.mjs';
import { GNU_TIME, ToolError, median, missingPrograms, runTimed, runUntimed } from './measure.mjs';
import { FERRY_MAIN, prepareScratch } from './tools.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const bigMiB = Number(process.env.BENCH_BIG_MIB ?? 1024);
const PART = 8 * 1024 * 1024;
const TRANSFERS = 4;
const CONCURRENCY = 4;
const TARGET_RATIO = 0.9;
const PEAK_MAX = 200 * 1000 * 1000;
const SCRATCH = join(DATA_DIR, 'scratch');
const STORE = join(DATA_DIR, 's3-store');
const log = (msg) => console.log(msg);

function preflight() {
  const missing = missingPrograms(['rclone', 'sync', GNU_TIME]);
  if (missing.length) return `missing: ${missing.join(', ')} (Debian: apt-get install -y rclone time)`;
  if (!existsSync(FERRY_MAIN)) return `${FERRY_MAIN} not built: run \`npm install\` at the repository root first`;
  return undefined;
}

/** `ferry emulate s3 --json` in its own process, so its work is billed to neither tool. */
async function startServer() {
  await fs.rm(STORE, { recursive: true, force: true });
  await fs.mkdir(STORE, { recursive: true });
  const child = spawn(process.execPath, [FERRY_MAIN, 'emulate', 's3', '--json', '--dir', STORE], { stdio: ['ignore', 'pipe', 'inherit'] });
  const info = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (d) => {
      text += d.toString();
      const line = text.split('\n')[0];
      if (text.includes('\n')) resolve(JSON.parse(line));
    });
    child.on('exit', (code) => reject(new ToolError(`ferry emulate s3 exited ${code}`)));
  });
  return { info, stop: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))) };
}

function uploaders(info) {
  const ferryEnv = { ...process.env, FERRY_CONFIG: join(SCRATCH, 's3-ferry.config.json') };
  const { AWS_CA_BUNDLE: _bundle, ...inherited } = process.env;
  const rcloneEnv = {
    ...inherited,
    RCLONE_CONFIG: join(SCRATCH, 'rclone.conf'),
    RCLONE_CONFIG_EMU_TYPE: 's3',
    RCLONE_CONFIG_EMU_PROVIDER: 'Other',
    RCLONE_CONFIG_EMU_ENDPOINT: info.endpoint,
    RCLONE_CONFIG_EMU_REGION: info.region,
    RCLONE_CONFIG_EMU_ACCESS_KEY_ID: info.access_key_id,
    RCLONE_CONFIG_EMU_SECRET_ACCESS_KEY: info.secret_access_key,
    RCLONE_CONFIG_EMU_FORCE_PATH_STYLE: 'true',
  };
  return {
    ferry: {
      env: ferryEnv,
      cmd: async (src, prefix) => ({
        cmd: process.execPath,
        args: [FERRY_MAIN, 'copy', src, `bench:/${prefix}`, '--transfers', String(TRANSFERS), '--no-progress'],
        env: { ...ferryEnv, FERRY_STATE_DIR: await fs.mkdtemp(join(SCRATCH, 'ferry-state-')) },
      }),
    },
    rclone: {
      cmd: async (src, prefix) => ({
        cmd: 'rclone',
        args: [
          'copy', src, `emu:${info.bucket}/${prefix}`,
          '--transfers', String(TRANSFERS),
          '--s3-chunk-size', `${PART / 1024 / 1024}M`,
          '--s3-upload-cutoff', `${PART / 1024 / 1024}M`,
          '--s3-upload-concurrency', String(CONCURRENCY),
          '--s3-no-check-bucket',
        ],
        env: rcloneEnv,
      }),
    },
  };
}

async function configureFerry(info, env) {
  const r = await runTimed(process.execPath, [
    FERRY_MAIN, 'remote', 'add', 'bench', 's3',
    `endpoint=${info.endpoint}`, `region=${info.region}`, `bucket=${info.bucket}`,
    `access_key_id=${info.access_key_id}`, `secret_access_key=${info.secret_access_key}`,
    'force_path_style=true', `part_size=${PART}`, `upload_concurrency=${CONCURRENCY}`,
  ], { env });
  return r;
}

/** Median wall time and worst peak RSS per tool, rounds interleaved; each upload into a fresh prefix. */
async function bench(name, src, tools, bucket) {
  const samples = { ferry: [], rclone: [] };
  for (let round = 1; round <= runs; round++) {
    for (const tool of ['ferry', 'rclone']) {
      const prefix = `${name}-${tool}-${round}`;
      runUntimed('sync', []);
      const { cmd, args, env } = await tools[tool].cmd(src, prefix);
      const r = await runTimed(cmd, args, { env });
      samples[tool].push(r);
      log(`  ${name} round ${round}: ${tool.padEnd(6)} ${r.wallS.toFixed(2)} s, ${(r.maxRssKiB / 1024).toFixed(0)} MiB peak`);
      // The server keeps objects as files: dropping the prefix's folder frees the disk for the next run.
      await fs.rm(join(STORE, bucket, prefix), { recursive: true, force: true });
    }
  }
  const agg = (rs) => ({ wallS: median(rs.map((r) => r.wallS)), maxRssKiB: Math.max(...rs.map((r) => r.maxRssKiB)) });
  return { ferry: agg(samples.ferry), rclone: agg(samples.rclone) };
}

function verdictRows(label, result) {
  const ratio = result.ferry.wallS / result.rclone.wallS;
  const peak = result.ferry.maxRssKiB * 1024;
  return [
    `| ${label}: wall time, Ferry / rclone | ${result.ferry.wallS.toFixed(2)} s / ${result.rclone.wallS.toFixed(2)} s = ${ratio.toFixed(2)}x | <= ${TARGET_RATIO}x | ${ratio <= TARGET_RATIO ? 'PASS' : 'FAIL'} |`,
    `| ${label}: Ferry peak RSS | ${(peak / 1e6).toFixed(0)} MB (rclone ${((result.rclone.maxRssKiB * 1024) / 1e6).toFixed(0)} MB) | < 200 MB | ${peak < PEAK_MAX ? 'PASS' : 'FAIL'} |`,
  ];
}

async function main() {
  const problem = preflight();
  if (problem) {
    console.error(`bench s3: ${problem}`);
    return 2;
  }
  const data = await ensureData(dataSpec({ bigBytes: bigMiB * 1024 * 1024 }), log);
  const cleanup = await prepareScratch();
  const server = await startServer();
  try {
    const tools = uploaders(server.info);
    await configureFerry(server.info, tools.ferry.env);
    runUntimed('sh', ['-c', `find "${data.tree}" -type f -exec cat {} + > /dev/null`]);
    const bigDir = join(SCRATCH, 'big-only');
    await fs.mkdir(bigDir, { recursive: true });
    await fs.link(data.bigFile, join(bigDir, basename(data.bigFile))).catch(() => fs.copyFile(data.bigFile, join(bigDir, basename(data.bigFile))));
    log(`\nUpload to S3 (s3rver) of the tree: ${data.files} files, ${(data.bytes / 2 ** 20).toFixed(0)} MiB; ${runs} runs each`);
    const tree = await bench('tree', data.tree, tools, server.info.bucket);
    log(`\nUpload to S3 (s3rver) of the ${bigMiB} MiB file alone; ${runs} runs each`);
    const big = await bench('big', bigDir, tools, server.info.bucket);
    log(`\nMedians of ${runs} runs; part size ${PART / 2 ** 20} MiB, ${TRANSFERS} transfers, ${CONCURRENCY} parts in flight per file, for both.\n`);
    log('| What | Measured | Target | Verdict |\n| --- | --- | --- | --- |');
    for (const row of [...verdictRows('(a) tree', tree), ...verdictRows('(b) big file', big)]) log(row);
    return 0;
  } finally {
    await server.stop();
    await fs.rm(STORE, { recursive: true, force: true });
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof ToolError ? `bench s3: tool error: ${err.message}` : err);
    process.exit(1);
  },
);
