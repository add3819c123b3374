const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** "1.50 MiB": a byte count for people, in binary units with three significant digits. */
export function formatBytes(n: number): string {
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${UNITS[i]}`;
}
