import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { RunEvent, RunSummary } from '@ferry/core';
import { UsageError } from './output.js';
import type { RecordFlags } from './transfer-flags.js';

/** rclone's log levels, in rising order of importance. */
const LEVELS = ['DEBUG', 'INFO', 'NOTICE', 'ERROR'] as const;
type Level = (typeof LEVELS)[number];

/**
 * What a run writes besides its summary: `--report` (each `--rapid-only` miss as a JSON line) and
 * `--log-file` (one timestamped line per file outcome, rclone's layout). Fed the run's events, in
 * process or followed from the workers alike. The report is written beside its final name and
 * renamed into place at the end, so a report file is always whole; the log is appended to.
 */
export class RunRecorder {
  private readonly report: { fd: number; partial: string; final: string } | undefined;
  private readonly log: number | undefined;
  private readonly level: number;

  constructor(flags: RecordFlags) {
    const level = (flags.logLevel ?? 'INFO').toUpperCase() as Level;
    this.level = LEVELS.indexOf(level);
    if (this.level < 0) throw new UsageError(`--log-level must be one of ${LEVELS.join(', ')}, got '${flags.logLevel}'`);
    if (flags.logLevel !== undefined && flags.logFile === undefined) throw new UsageError('--log-level goes with --log-file');
    if (flags.report !== undefined) {
      const partial = `${flags.report}.partial`;
      this.report = { fd: openFor('--report', partial, 'w'), partial, final: flags.report };
    }
    if (flags.logFile !== undefined) this.log = openFor('--log-file', flags.logFile, 'a');
  }

  get active(): boolean {
    return this.report !== undefined || this.log !== undefined;
  }

  onEvent(event: RunEvent): void {
    switch (event.type) {
      case 'file':
        if (event.outcome === 'missed') {
          if (this.report) {
            const line = { path: event.rel, size: event.size, sha1: event.sha1 ?? null, reason: event.reason ?? 'not held by the target' };
            writeSync(this.report.fd, JSON.stringify(line) + '\n');
          }
          this.write('INFO', event.rel, `Missed rapid upload (${event.reason ?? 'not held by the target'}); not sent`);
        } else if (event.outcome === 'skipped') this.write('DEBUG', event.rel, 'Unchanged skipping');
        else this.write('INFO', event.rel, OUTCOME_TEXT[event.outcome]);
        break;
      case 'failed':
        this.write('ERROR', event.rel, `Failed: ${event.message}`);
        break;
      case 'retry':
        this.write('DEBUG', event.rel, `Retry ${event.attempt}: ${event.message}`);
        break;
      case 'deleted':
        this.write('INFO', event.rel, 'Deleted');
        break;
      case 'renamed-duplicate':
        this.write('NOTICE', event.rel, `Copied as another name: ${event.from} shares its name with another file of its folder`);
        break;
      case 'deletes-skipped':
        this.write('NOTICE', '', `Not deleting ${event.count} file(s): ${event.reason}`);
        break;
      default:
        break;
    }
  }

  /** Closes the files; the report takes its final name only after a run that ended. */
  finish(summary: RunSummary | undefined): void {
    if (this.log !== undefined) {
      if (summary) {
        this.write(
          'NOTICE',
          '',
          `Files: ${summary.copied} copied, ${summary.rapid} rapid, ${summary.missed} missed, ${summary.skipped} skipped, ${summary.failed} failed, ${summary.deleted} deleted`,
        );
      }
      closeSync(this.log);
    }
    if (this.report) {
      closeSync(this.report.fd);
      if (summary) renameSync(this.report.partial, this.report.final);
      else rmSync(this.report.partial, { force: true });
    }
  }

  private write(level: Level, rel: string, text: string): void {
    if (this.log === undefined || LEVELS.indexOf(level) < this.level) return;
    writeSync(this.log, `${timestamp(new Date())} ${level.padEnd(6)}: ${rel ? `${rel}: ` : ''}${text}\n`);
  }
}

const OUTCOME_TEXT: Record<'copied' | 'rapid' | 'imported', string> = {
  copied: 'Copied',
  rapid: 'Copied by rapid upload (no byte sent)',
  imported: 'Imported server-side',
};

/** rclone's "2006/01/02 15:04:05", local time. */
function timestamp(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}/${two(d.getMonth() + 1)}/${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

function openFor(flag: string, file: string, mode: 'w' | 'a'): number {
  try {
    return openSync(file, mode);
  } catch (err) {
    throw new UsageError(`${flag} ${file}: ${(err as NodeJS.ErrnoException).code ?? ''} ${(err as Error).message}`.trim());
  }
}
