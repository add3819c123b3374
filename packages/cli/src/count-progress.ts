/**
 * Progress of work counted in items (deletions, comparisons) rather than bytes: a line on stderr
 * every few seconds while it lasts, so a long run on a rate-limited cloud does not look stuck.
 * Nothing when quiet; nothing at all for work that ends within the first interval.
 */
export class CountProgress {
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(quiet: boolean, intervalMs: number, line: () => string) {
    if (quiet) return;
    this.timer = setInterval(() => process.stderr.write(`${line()}\n`), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
