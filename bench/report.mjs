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
    const vsRclone = copy.ferry.wallS / copy.rclone.wallS;
    const vsCp = copy.ferry.wallS / copy.cp.wallS;
    const peak = copy.ferry.maxRssKiB * 1024;
    r.push(['Copy tree: ferry / rclone (wall time)', secs(copy.ferry.wallS), secs(copy.rclone.wallS), ratio(vsRclone), `<= ${TARGETS.copyRatioMax}x`, verdict(vsRclone <= TARGETS.copyRatioMax)]);
    r.push(['Copy tree: ferry / cp -r (wall time)', secs(copy.ferry.wallS), secs(copy.cp.wallS), ratio(vsCp), '(info)', '']);
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
