import cliProgress from 'cli-progress';
import type { RunEvent } from '@ferry/core';
import { formatBytes, formatDuration } from './format.js';

interface Totals {
  files: number;
  filesDone: number;
  bytes: number;
  bytesDone: number;
}

/**
 * Progress of a transfer. On a terminal a bar (bytes, rate, ETA, files done/total); otherwise one
 * plain line every few seconds, so logs stay readable. Totals grow while the planner walks.
 */
export class ProgressReporter {
  private readonly totals: Totals = { files: 0, filesDone: 0, bytes: 0, bytesDone: 0 };
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
      this.timer = setInterval(() => this.printLine(), options.intervalMs ?? 5000);
      this.timer.unref();
    }
  }

  private rate(): number {
    const secs = (Date.now() - this.started) / 1000;
    return secs > 0 ? this.totals.bytesDone / secs : 0;
  }

  private payload(): Record<string, string | number> {
    const rate = this.rate();
    const left = this.totals.bytes - this.totals.bytesDone;
    return {
      done: formatBytes(this.totals.bytesDone),
      totalBytes: formatBytes(this.totals.bytes),
      rate: `${formatBytes(Math.round(rate))}/s`,
      etaText: rate > 0 && left > 0 ? formatDuration((left / rate) * 1000) : '-',
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

  /** A message above the bar (failures, retries, -v lines). */
  log(line: string): void {
    if (this.bar) {
      this.bar.stop();
      process.stderr.write(line + '\n');
      this.bar.start(Math.max(1, this.totals.bytes), this.totals.bytesDone, this.payload());
    } else {
      process.stderr.write(line + '\n');
    }
  }

  onEvent(event: RunEvent): void {
    switch (event.type) {
      case 'planned':
        if (event.action.kind === 'copy' || event.action.kind === 'skip') {
          this.totals.files++;
          if (event.action.kind === 'copy') this.totals.bytes += event.action.src.size;
        }
        break;
      case 'bytes':
        this.totals.bytesDone += event.n;
        break;
      case 'file':
        this.totals.filesDone++;
        if (event.outcome === 'rapid') this.totals.bytesDone += event.size;
        if (this.options.verbose) {
          const resumed = event.resumedFrom > 0 ? ` (resumed at ${formatBytes(event.resumedFrom)})` : '';
          this.log(`${event.outcome}: ${event.rel}${resumed}`);
        }
        break;
      case 'retry':
        if (!this.options.quiet) this.log(`retry ${event.attempt} in ${formatDuration(event.delayMs)}: ${event.rel}: ${event.message}`);
        break;
      case 'failed':
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
    this.bar?.setTotal(Math.max(1, this.totals.bytes));
    this.bar?.update(this.totals.bytesDone, this.payload());
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.bar?.stop();
  }
}
