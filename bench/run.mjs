#!/usr/bin/env node
// `npm run bench`: issue 2's benchmark. Exits 0 whatever the verdicts (it is a report) and
// non-zero only when it could not measure: a missing prerequisite or a tool that failed.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { benchCopy } from './copy.mjs';
import { dataSpec, ensureData } from './data.mjs';
import { benchHash } from './hash.mjs';
import { GNU_TIME, ToolError, missingPrograms } from './measure.mjs';
import { formatTable, rows } from './report.mjs';
import { FERRY_MAIN, prepareScratch } from './tools.mjs';

// Knobs for a quick smoke run; the figures that count use the defaults (3 runs, 1 GiB).
const runs = Number(process.env.BENCH_RUNS ?? 3);
const bigMiB = Number(process.env.BENCH_BIG_MIB ?? 1024);
const log = (msg) => console.log(msg);

function preflight() {
  const missing = missingPrograms(['sha1sum', 'rclone', 'cp', 'sync', 'find', GNU_TIME]);
  if (missing.length) {
    return `missing: ${missing.join(', ')} (Debian: apt-get install -y coreutils rclone time findutils)`;
  }
  // BusyBox and BSD `time` lack -f/-o; the peak-memory figure depends on GNU time.
  if (spawnSync(GNU_TIME, ['-f', '%M', '-o', '/dev/null', 'true']).status !== 0) return `${GNU_TIME} is not GNU time`;
  if (!existsSync(FERRY_MAIN)) return `${FERRY_MAIN} not built: run \`npm install\` at the repository root first`;
  return undefined;
}

async function main() {
  const problem = preflight();
  if (problem) {
    console.error(`bench: ${problem}`);
    return 2;
  }
  const data = await ensureData(dataSpec({ bigBytes: bigMiB * 1024 * 1024 }), log);
  const cleanup = await prepareScratch();
  try {
    log(`\nSHA-1 of ${data.bigFile} (${bigMiB} MiB), ${runs} runs each`);
    const hash = await benchHash({ file: data.bigFile, size: bigMiB * 1024 * 1024, runs, log });
    log(`\nCopy of ${data.files} files (${(data.bytes / 2 ** 20).toFixed(0)} MiB), local to local, ${runs} runs each`);
    const copy = await benchCopy({ tree: data.tree, files: data.files, bytes: data.bytes, runs, log });
    log(`\nMedians of ${runs} runs; peak RSS is the worst run. Ratios are Ferry / baseline.\n`);
    log(formatTable(rows(hash, copy, bigMiB % 1024 ? `${bigMiB} MiB` : `${bigMiB / 1024} GiB`)));
    return 0;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof ToolError ? `bench: tool error: ${err.message}` : err);
    process.exit(1);
  },
);
