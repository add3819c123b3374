/**
 * The phone side of a QR login, played by an emulator: each new code is scanned after half of
 * `afterMs` and confirmed after `afterMs`, so a login against a standalone emulator completes on
 * its own. A step the code has already moved past (expired, canceled, confirmed by hand) is
 * skipped, as a real phone would find nothing to do.
 */
export class AutoPhone {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly afterMs: number,
    private readonly isMovedOn: (err: unknown) => boolean,
  ) {}

  play(scan: () => void, confirm: () => void): void {
    this.later(this.afterMs / 2, scan);
    this.later(this.afterMs, confirm);
  }

  private later(ms: number, act: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      try {
        act();
      } catch (err) {
        if (!this.isMovedOn(err)) throw err;
      }
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
