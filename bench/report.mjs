// Turns measurements into the table `npm run bench` ends with. Kept apart from the runs so
// the verdicts (targets from issue 2) live in one place.
const MiB = 1024 * 1024;
const MB = 1e6;

// Issue 2's targets. "200 MB" is read as 200 x 10^6 bytes, the stricter of MB and MiB.
export const TARGETS = { hashRatioMin: 0.75, copyRatioMax: 1.0, peakBytesMax: 200 * MB };

const rate = (bps) => `${(bps / MiB).toFixed(0)} MiB/s`;
const secs = (s) => `${s.toFixed(2)} s`;
const mem = (kib) => `${((kib * 1024) / MB).toFixed(1)} MB`;
const ratio = (x) => `${x.toFixed(2)}x`;

/** Rows of [metric, ferry, baseline, ratio, target, verdict]; verdict is '' for figures without a target. */
export function rows(hash, copy, sizeLabel = '1 GiB') {
  const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
  const r = [];
  if (hash) {
    const cli = hash.ferry.bytesPerS / hash.sha1sum.bytesPerS;
    const inp = hash.inProcess.bytesPerS / hash.sha1sum.bytesPerS;
    r.push([`SHA-1 ${sizeLabel}: ferry hash / sha1sum (throughput)`, rate(hash.ferry.bytesPerS), rate(hash.sha1sum.bytesPerS), ratio(cli), `>= ${TARGETS.hashRatioMin}x`, verdict(cli >= TARGETS.hashRatioMin)]);
    r.push([`SHA-1 ${sizeLabel}: sha1OfStream in-process / sha1sum`, rate(hash.inProcess.bytesPerS), rate(hash.sha1sum.bytesPerS), ratio(inp), '(info)', '']);
    r.push([`SHA-1 ${sizeLabel}: ferry hash peak RSS`, mem(hash.ferry.maxRssKiB), mem(hash.sha1sum.maxRssKiB), '', '(info)', '']);
  }
  if (copy) {
    // The target compares copies that are finished, i.e. on disk (see copy.mjs); the bare exit
    // times are printed too, as information.
    const vsRclone = copy.ferry.durableS / copy.rclone.durableS;
    const vsCp = copy.ferry.durableS / copy.cp.durableS;
    const bareVsRclone = copy.ferry.wallS / copy.rclone.wallS;
    const peak = copy.ferry.maxRssKiB * 1024;
    r.push(['Copy tree, data on disk: ferry / rclone+sync', secs(copy.ferry.durableS), secs(copy.rclone.durableS), ratio(vsRclone), `<= ${TARGETS.copyRatioMax}x`, verdict(vsRclone <= TARGETS.copyRatioMax)]);
    r.push(['Copy tree, data on disk: ferry / cp -r+sync', secs(copy.ferry.durableS), secs(copy.cp.durableS), ratio(vsCp), '(info)', '']);
    r.push(['Copy tree, exit only: ferry / rclone (page cache)', secs(copy.ferry.wallS), secs(copy.rclone.wallS), ratio(bareVsRclone), '(info)', '']);
    r.push(['Copy tree: ferry peak RSS (vs rclone)', mem(copy.ferry.maxRssKiB), mem(copy.rclone.maxRssKiB), '', `< ${TARGETS.peakBytesMax / MB} MB`, verdict(peak < TARGETS.peakBytesMax)]);
    r.push(['Copy tree: cp -r peak RSS', mem(copy.cp.maxRssKiB), '', '', '(info)', '']);
  }
  return r;
}

export function formatTable(body) {
  const all = [['Metric', 'Ferry', 'Baseline', 'Ratio', 'Target', 'Result'], ...body];
  const widths = all[0].map((_, i) => Math.max(...all.map((row) => row[i].length)));
  const line = (row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  return [line(all[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
