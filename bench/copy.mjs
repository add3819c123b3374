// Local-to-local copy of the whole tree by ferry, rclone and cp, each into a fresh destination.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR, treeSummary } from './data.mjs';
import { ToolError, median, runTimed, runUntimed } from './measure.mjs';
import { copiers } from './tools.mjs';

const dest = (name) => join(DATA_DIR, `dst-${name}`);

// sync(1) before each run flushes the previous run's dirty pages (and the rm of its destination)
// so that write-back of one tool's output is never billed to the next tool's wall time.
function settle(path) {
  runUntimed('rm', ['-rf', path]);
  runUntimed('sync', []);
}

/** Median wall time and worst peak RSS per tool over `runs` interleaved rounds. */
export async function benchCopy({ tree, files, bytes, runs, log }) {
  // Read the whole source once so every tool, the first one included, copies from the page cache.
  runUntimed('sh', ['-c', `find "${tree}" -type f -exec cat {} + > /dev/null`]);
  const samples = Object.fromEntries(Object.keys(copiers).map((k) => [k, []]));
  try {
    // Interleaved rather than tool after tool, so drift (thermal, a noisy neighbour) hits all alike.
    for (let round = 1; round <= runs; round++) {
      for (const [name, make] of Object.entries(copiers)) {
        const dst = dest(name);
        settle(dst);
        const { cmd, args, env } = await make(tree, dst);
        const r = await runTimed(cmd, args, { env });
        // Ferry fsyncs every file before renaming it into place; rclone and cp leave their bytes
        // in the page cache. Timing the sync(1) that follows puts all three at the same finish
        // line: the copy is on disk.
        const flushStarted = process.hrtime.bigint();
        runUntimed('sync', []);
        r.durableS = r.wallS + Number(process.hrtime.bigint() - flushStarted) / 1e9;
        // A copy that exits 0 but leaves files out would look fast; a count and byte total catches it
        // (every byte is compared by the test suite, not here).
        const got = await treeSummary(dst);
        if (got.files !== files || got.bytes !== bytes) {
          throw new ToolError(`${name} copy is incomplete: ${got.files} files / ${got.bytes} bytes, expected ${files} / ${bytes}`);
        }
        samples[name].push(r);
        log(`  copy round ${round}: ${name.padEnd(6)} ${r.wallS.toFixed(2)} s, ${r.durableS.toFixed(2)} s with its data on disk, ${(r.maxRssKiB / 1024).toFixed(0)} MiB peak`);
      }
    }
  } finally {
    for (const name of Object.keys(copiers)) await fs.rm(dest(name), { recursive: true, force: true });
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, rs]) => [
      name,
      // Peak memory is a ceiling target, so the worst run counts, not the typical one.
      {
        wallS: median(rs.map((r) => r.wallS)),
        durableS: median(rs.map((r) => r.durableS)),
        maxRssKiB: Math.max(...rs.map((r) => r.maxRssKiB)),
      },
    ]),
  );
}
