import cliProgress from 'cli-progress';
import type { RunEvent } from '@ferry/core';
import { formatBytes, formatDuration } from './format.js';
import { UsageError } from './output.js';

const DEFAULT_INTERVAL_MS = 5000;

/** `--progress-interval SECONDS`: how often a line is printed when stderr is not a terminal. */
export function progressIntervalMs(flag: string | undefined): number {
  if (flag === undefined) return DEFAULT_INTERVAL_MS;
  const secs = Number(flag);
  if (flag === '' || !Number.isFinite(secs) || secs < 0.01 || secs > 86_400) {
    throw new UsageError(`--progress-interval must be a number of seconds from 0.01 to 86400, got '${flag}'`);
  }
  return Math.round(secs * 1000);
}

/** Files that moved less than this on average were paced by their API calls, not by their bytes. */
const FEW_BYTES_PER_FILE = 1024 * 1024;

interface Totals {
  /** Planned copies and skips. */
  files: number;
  /** Every outcome counts: copied, rapid, imported, skipped, failed. */
  filesDone: number;
  /** Skips decided by the planner: done at once, so no part of the pace. */
  planSkips: number;
  /** Their `file` events, still to come. */
  planSkipsAnnounced: number;
  /** Bytes to send: planned copies, less what ended without sending it (rapid, resumed, failed). */
  bytes: number;
  bytesDone: number;
}

/**
 * Progress of a transfer. On a terminal a bar (bytes, rate, ETA, files done/total); otherwise one
 * plain line every few seconds and a last one at the end, so logs stay readable. Totals grow while
 * the planner walks. The rate and ETA go by bytes sent, or by files when few bytes move (rapid
 * uploads, small files), where bytes would mislead.
 */
export class ProgressReporter {
  private readonly totals: Totals = { files: 0, filesDone: 0, planSkips: 0, planSkipsAnnounced: 0, bytes: 0, bytesDone: 0 };
  private readonly started = Date.now();
  private bar: cliProgress.SingleBar | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: { tty: boolean; quiet: boolean; verbose: boolean; intervalMs?: number },
  ) {
    if (options.quiet) return;
    if (options.tty) {
      this.bar = new cliProgress.SingleBar(
        {
          format: ' {bar} {percentage}% | {done} / {totalBytes} | {rate} | ETA {etaText} | {filesDone}/{files} files',
          hideCursor: true,
          barsize: 28,
          etaBuffer: 50,
          fps: 5,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(1, 0, this.payload());
    } else {
      this.timer = setInterval(() => this.printLine(), options.intervalMs ?? DEFAULT_INTERVAL_MS);
      this.timer.unref();
    }
  }

  /** Whether files, not bytes, set the pace so far: the files that ended moved few bytes each. */
  private byFiles(): boolean {
    const worked = this.totals.filesDone - this.totals.planSkips;
    return worked > 0 && this.totals.bytesDone / worked < FEW_BYTES_PER_FILE;
  }

  /** Rate and time left, by bytes sent or by files ended, whichever sets the pace so far. */
  private pace(): { rate: string; eta: string } {
    const t = this.totals;
    const secs = (Date.now() - this.started) / 1000;
    const worked = t.filesDone - t.planSkips;
    if (secs <= 0 || (t.bytesDone <= 0 && worked <= 0)) return { rate: '-', eta: '-' };
    if (this.byFiles()) {
      const rate = worked / secs;
      const left = t.files - t.filesDone;
      return { rate: `${rate.toFixed(rate >= 10 ? 0 : 1)} files/s`, eta: left > 0 ? formatDuration((left / rate) * 1000) : '-' };
    }
    const rate = Math.max(0, t.bytesDone) / secs;
    const left = t.bytes - t.bytesDone;
    return { rate: `${formatBytes(Math.round(rate))}/s`, eta: rate > 0 && left > 0 ? formatDuration((left / rate) * 1000) : '-' };
  }

  private payload(): Record<string, string | number> {
    const pace = this.pace();
    return {
      done: formatBytes(this.totals.bytesDone),
      totalBytes: formatBytes(this.totals.bytes),
      rate: pace.rate,
      etaText: pace.eta,
      filesDone: this.totals.filesDone,
      files: this.totals.files,
    };
  }

  private printLine(): void {
    const p = this.payload();
    process.stderr.write(
      `Transferred: ${p.done} / ${p.totalBytes}, ${p.rate}, ETA ${p.etaText}; files ${p.filesDone}/${p.files}\n`,
    );
  }

  /** The bar follows the measure of the rate: files when few bytes move, else bytes. */
  private barPosition(): { value: number; total: number } {
    const t = this.totals;
    return this.byFiles() ? { value: t.filesDone, total: Math.max(1, t.files) } : { value: t.bytesDone, total: Math.max(1, t.bytes) };
  }

  private drawBar(): void {
    if (!this.bar) return;
    const { value, total } = this.barPosition();
    this.bar.setTotal(total);
    this.bar.update(value, this.payload());
  }

  /** A message above the bar (failures, retries, -v lines). */
  log(line: string): void {
    if (this.bar) {
      this.bar.stop();
      process.stderr.write(line + '\n');
      const { value, total } = this.barPosition();
      this.bar.start(total, value, this.payload());
    } else {
      process.stderr.write(line + '\n');
    }
  }

  onEvent(event: RunEvent): void {
    const t = this.totals;
    switch (event.type) {
      case 'planned':
        if (event.action.kind === 'copy') {
          t.files++;
          t.bytes += event.action.src.size;
        } else if (event.action.kind === 'skip') {
          t.files++;
          t.planSkips++;
          t.planSkipsAnnounced++;
        }
        break;
      case 'bytes':
        t.bytesDone += event.n;
        break;
      case 'file':
        t.filesDone++;
        if (event.outcome === 'skipped' && t.planSkipsAnnounced > 0) t.planSkipsAnnounced--;
        else if (event.outcome === 'copied') t.bytes -= event.resumedFrom;
        // A rapid upload, a server-side import, a file found landed: none of its bytes were sent.
        else t.bytes -= event.size;
        if (this.options.verbose) {
          const resumed = event.resumedFrom > 0 ? ` (resumed at ${formatBytes(event.resumedFrom)})` : '';
          this.log(`${event.outcome}: ${event.rel}${resumed}`);
        }
        break;
      case 'retry':
        if (!this.options.quiet) this.log(`retry ${event.attempt} in ${formatDuration(event.delayMs)}: ${event.rel}: ${event.message}`);
        break;
      case 'failed':
        if (event.size !== undefined) {
          t.filesDone++;
          t.bytes -= event.size;
        }
        this.log(`failed: ${event.rel}: ${event.message}`);
        break;
      case 'deleted':
        if (this.options.verbose) this.log(`deleted: ${event.rel}`);
        break;
      case 'renamed-duplicate':
        this.log(`renamed: ${event.from}${event.id ? ` (id ${event.id})` : ''} goes to ${event.rel}: another file in its source folder has its name`);
        break;
      case 'deletes-skipped':
        this.log(`not deleting ${event.count} extraneous file(s): ${event.reason}`);
        break;
    }
    this.drawBar();
  }

  /** Ends the progress with a last line (or bar) that counts every file that ended. */
  stop(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
      if (this.totals.files > 0) this.printLine();
    }
    this.drawBar();
    this.bar?.stop();
    this.bar = undefined;
  }
}
