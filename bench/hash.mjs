// SHA-1 throughput of one large file: `ferry hash`, Ferry's sha1OfStream in this process, and sha1sum.
import { createReadStream } from 'node:fs';
import { sha1OfStream } from '@ferry/core';
import { ToolError, median, runTimed, runUntimed } from './measure.mjs';
import { hashers, parseDigest } from './tools.mjs';

// The local provider reads in 1 MiB chunks; the in-process figure uses the same so that it
// isolates the hasher and the stream plumbing from the CLI's start-up, not a different read size.
const READ_CHUNK = 1024 * 1024;

async function inProcess(file) {
  const started = process.hrtime.bigint();
  const digest = await sha1OfStream(createReadStream(file, { highWaterMark: READ_CHUNK }));
  return { wallS: Number(process.hrtime.bigint() - started) / 1e9, digest };
}

/** Median wall time and peak RSS per tool over `runs` interleaved rounds, plus throughput in bytes/s. */
export async function benchHash({ file, size, runs, log }) {
  // Read once so every tool finds the file in the page cache: the figure is hashing, not the disk.
  // sync first: a freshly generated data set is still being written back, which steals CPU.
  runUntimed('sync', []);
  runUntimed('sh', ['-c', `cat "${file}" > /dev/null`]);
  const samples = { ferry: [], inProcess: [], sha1sum: [] };
  const digests = new Set();
  // Interleaved rather than tool after tool, so drift (thermal, a noisy neighbour) hits all alike.
  for (let round = 1; round <= runs; round++) {
    for (const [name, make] of Object.entries(hashers)) {
      const { cmd, args, env } = await make(file);
      const r = await runTimed(cmd, args, { env });
      const digest = parseDigest(r.stdout);
      if (!digest) throw new ToolError(`${name} hash printed no digest: ${r.stdout.slice(0, 200)}`);
      digests.add(digest);
      samples[name].push(r);
      log(`  hash round ${round}: ${name.padEnd(9)} ${r.wallS.toFixed(2)} s, ${(r.maxRssKiB / 1024).toFixed(0)} MiB peak`);
    }
    const r = await inProcess(file);
    digests.add(r.digest);
    samples.inProcess.push(r);
    log(`  hash round ${round}: in-process ${r.wallS.toFixed(2)} s`);
  }
  if (digests.size !== 1) throw new ToolError(`hashers disagree on ${file}: ${[...digests].join(', ')}`);
  const summarise = (rs) => {
    const wallS = median(rs.map((r) => r.wallS));
    // Peak memory is a ceiling target, so the worst run counts, not the typical one.
    const rss = rs.every((r) => r.maxRssKiB !== undefined) ? Math.max(...rs.map((r) => r.maxRssKiB)) : undefined;
    return { wallS, bytesPerS: size / wallS, maxRssKiB: rss };
  };
  return { ferry: summarise(samples.ferry), inProcess: summarise(samples.inProcess), sha1sum: summarise(samples.sha1sum) };
}
