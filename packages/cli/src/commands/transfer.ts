import type { Command } from 'commander';
import {
  type RunSummary,
  type TransferMode,
  Journal,
  PathFilter,
  can,
  defaultStateDir,
  importsFrom,
  journalPath,
  runTransfer,
} from '@ferry/core';
import { loadContext } from '../context.js';
import { formatBytes, formatDuration } from '../format.js';
import { locateItem } from '../item-location.js';
import { refuseOverlap } from '../overlap-guard.js';
import { UsageError } from '../output.js';
import { flushOut } from '../output-pipe.js';
import { ProgressReporter, progressIntervalMs } from '../progress.js';
import { type TransferSettingFlags, transferSettings } from '../transfer-settings.js';
import { addDeleteLimitOptions } from '../delete-limit-flags.js';
import { addQueueOptions } from '../queue-options.js';
import { RunRecorder } from '../run-record.js';
import {
  type FilterFlags,
  type RecordFlags,
  type SendingFlags,
  addFilterOptions,
  addRecordOptions,
  addSendingOptions,
  bandwidthOf,
  filterRulesOf,
  sendingOf,
} from '../transfer-flags.js';
import { accountHelp, pathLinksHelp, withPathLinks } from '../path-links.js';

export interface TransferFlags extends TransferSettingFlags, FilterFlags, SendingFlags, RecordFlags {
  dryRun?: boolean;
  json?: boolean;
  progress?: boolean;
  progressInterval?: string;
  verbose?: boolean;
  queue?: boolean;
  wait?: boolean;
  redis?: string;
  prefix?: string;
  account?: string;
}

/** The flags copy, sync and import-share share: one declaration, one parser (transferSettings). */
export function addTransferOptions(cmd: Command): Command {
  cmd
    .option('-n, --dry-run', 'show what would be done and change nothing')
    .option('--transfers <n>', 'files transferred at once (default: the config\'s defaults.transfers, else 4)')
    .option('--retries <n>', 'extra attempts for a file that failed with a temporary error (default: defaults.retries, else 3)')
    .option('--checksum', 'decide "already there" by SHA-1 (hashing files whose listing has none)')
    .option('--size-only', 'decide "already there" by size alone')
    .option('--on-conflict <policy>', 'a different file under the same name on dest: overwrite, skip (keep it), or rename (copy beside it as name(1).ext)', 'overwrite')
    .option('--json', 'print the summary as one JSON line on stdout')
    .option('--no-progress', 'no progress bar or progress lines')
    .option('--progress-interval <seconds>', 'seconds between progress lines when stderr is not a terminal (default 5)')
    .option('--queue', 'submit to the workers (`ferry worker`) instead of running here; prints the transfer id')
    .option('--wait', 'with --queue: follow the queued transfer to its end, with progress and summary');
  addFilterOptions(cmd);
  addSendingOptions(cmd);
  return addQueueOptions(cmd);
}

export function addTransferCommands(program: Command): void {
  for (const mode of ['copy', 'sync'] as const) {
    const cmd = program
      .command(`${mode} <source> <dest>`)
      .description(
        mode === 'copy'
          ? 'Copy files from source to dest, skipping files already there; never deletes anything'
          : 'Make dest match source (one way); with --delete, also remove files dest has and source does not',
      );
    addTransferOptions(cmd);
    addRecordOptions(cmd);
    if (mode === 'sync') addDeleteLimitOptions(cmd.option('--delete', 'delete files on dest that source does not have (never after an error)'));
    cmd.option('--account <remote>', accountHelp('source', true));
    cmd.addHelpText(
      'after',
      `
Paths are "remote:/path" for a configured remote or a plain path on local disk; as source,
${pathLinksHelp()}.
Without --checksum, files with the same size and modification time (or the same SHA-1, when both
listings have one) are skipped. A run that is killed resumes where it stopped when run again.
Sizes and ages are rclone's: 512K, 10M, 2G (binary); 90s, 15m, 12h, 7d, 2w, 6M, 1y.
--rapid-only --report misses.jsonl is the pre-flight of a big move: what lands in seconds, and
which files must really travel; \`--from-report misses.jsonl\` later copies exactly those.`,
    );
    cmd.action(async (sourceArg: string, destArg: string, flags: TransferFlags, command: Command) => {
      const globals = command.optsWithGlobals<{ verbose?: boolean; quiet?: boolean }>();
      const [source, dest] = (await withPathLinks([sourceArg, destArg], flags.account, destArg)) as [string, string];
      const summary =
        flags.queue || flags.wait
          ? await (await import('./queued-transfer.js')).runQueuedTransfer(mode, source, dest, flags, globals, printSummary)
          : await runTransferCommand(mode, source, dest, flags, globals);
      // A dry run only tells what a real run would hold back.
      if (summary && (summary.failed > 0 || (summary.deletesHeld > 0 && !flags.dryRun))) process.exitCode = 1;
    });
  }
}

/** How move, copyto and moveto run the copy engine. */
export interface TransferVariant {
  /** The command's name, keying its resume journal apart from a copy of the same paths. */
  name?: string;
  /** Move: the source is located as an item that can be removed (see locateItem). */
  removeSource?: boolean;
  /** copyto/moveto: the target path names the file itself, a bare local path included. */
  exactTarget?: boolean;
}

export async function runTransferCommand(
  mode: TransferMode,
  sourceArg: string,
  destArg: string,
  flags: TransferFlags,
  globals: { verbose?: boolean; quiet?: boolean },
  report: (s: RunSummary, json: boolean) => void = printSummary,
  variant: TransferVariant = {},
): Promise<RunSummary> {
  const ctx = await loadContext();
  const { transfers, retries, compare, onConflict, maxDelete } = transferSettings(flags, ctx.config.defaults);
  const intervalMs = progressIntervalMs(flags.progressInterval);
  const rules = filterRulesOf(flags);
  if (flags.report !== undefined && !flags.rapidOnly) throw new UsageError('--report lists the misses of --rapid-only: add --rapid-only');

  const source = variant.removeSource ? locateItem(ctx, sourceArg) : ctx.locate(sourceArg);
  const target = variant.exactTarget ? locateItem(ctx, destArg) : ctx.locate(destArg);
  if (!can(source.provider, 'read')) throw new UsageError(`${source.display} cannot be read from`);
  if (!can(target.provider, 'write') && !importsFrom(target.provider, source.provider)) {
    throw new UsageError(`${target.display} cannot be written to`);
  }
  // Fails here, before any planning, with the path the user typed.
  await source.provider.stat(source.path);
  await refuseOverlap(source, target);
  const sending = sendingOf(flags, target);
  const bandwidth = bandwidthOf(sending.bwlimit);
  const recorder = new RunRecorder(flags);

  const journal = flags.dryRun
    ? undefined
    : await Journal.open(journalPath(defaultStateDir(), `${variant.name ?? mode}\n${source.display}\n${target.display}`));
  // A dry run transfers nothing: its plan on stdout and the summary say it all.
  const quiet = !!globals.quiet || flags.progress === false || !!flags.json || !!flags.dryRun;
  const reporter = new ProgressReporter({
    tty: !!process.stderr.isTTY,
    quiet,
    verbose: !!globals.verbose,
    intervalMs,
  });
  const stopOnSignal = () => {
    reporter.stop();
    process.stderr.write('\nferry: interrupted; run the same command again to resume\n');
    void journal?.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);

  let summary: RunSummary | undefined;
  try {
    summary = await runTransfer({
      source,
      target,
      mode,
      deleteExtraneous: !!flags.delete,
      ...(maxDelete ? { maxDelete } : {}),
      dryRun: !!flags.dryRun,
      transfers,
      retries,
      compare,
      onConflict,
      filter: new PathFilter(rules),
      ...(variant.removeSource ? { removeSource: true } : {}),
      ...(variant.exactTarget ? { exactTarget: true } : {}),
      ...(journal ? { journal } : {}),
      ...(sending.rapidOnly ? { rapidOnly: true } : {}),
      ...(bandwidth ? { bandwidth } : {}),
      onEvent: (event) => {
        recorder.onEvent(event);
        if (flags.dryRun && event.type === 'planned') {
          const a = event.action;
          if (a.kind === 'copy') process.stdout.write(`would ${variant.removeSource ? 'move' : 'copy'} ${a.rel} (${formatBytes(a.src.size)})\n`);
          else if (a.kind === 'skip' && variant.removeSource) process.stdout.write(`would delete ${a.rel} from the source (already on the target)\n`);
          else if (a.kind === 'delete') process.stdout.write(`would delete ${a.rel}${a.dst.isDir ? '/' : ''}\n`);
          else if (a.kind === 'skip' && globals.verbose) process.stdout.write(`would skip ${a.rel}\n`);
        }
        reporter.onEvent(event);
      },
    });
  } finally {
    reporter.stop();
    recorder.finish(summary);
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
  }
  if (journal) {
    if (summary.failed === 0) await journal.discard();
    else await journal.close();
  }
  // A dry run's plan went to stdout: it reaches its reader before the summary is told, or,
  // when the reader has left, the summary is not told at all.
  await flushOut();
  report(summary, !!flags.json);
  return summary;
}

export function printSummary(s: RunSummary, json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(s) + '\n');
    return;
  }
  const lines: string[] = [];
  if (s.dryRun) {
    lines.push(`Dry run: would copy ${s.plannedFiles} file(s), ${formatBytes(s.plannedBytes)}; nothing was changed`);
    if (s.deletesPending) lines.push(`Dry run: would delete ${s.deletesPending} file(s) or folder(s)`);
    if (s.deletesHeld) lines.push(`Dry run: a real run would hold these deletions back: ${s.deletesHeldReason}`);
  } else {
    const secs = s.durationMs / 1000;
    const rate = secs > 0 ? `${formatBytes(Math.round(s.bytes / secs))}/s` : '-';
    lines.push(`Transferred: ${formatBytes(s.bytes)} in ${formatDuration(s.durationMs)} (${rate})`);
    if (s.deletesPending) lines.push(`Not deleted: ${s.deletesPending} extraneous file(s), because of errors in this run`);
    if (s.deletesHeld) lines.push(`Held back: ${s.deletesHeld} deletion(s), nothing deleted: ${s.deletesHeldReason}`);
  }
  lines.push(
    `Files: ${s.copied} copied, ${s.rapid} rapid, ${s.missed ? `${s.missed} missed, ` : ''}${s.imported ? `${s.imported} imported, ` : ''}${s.skipped} skipped, ${s.failed} failed, ${s.deleted} deleted`,
  );
  if (s.missed > 0 || s.rapidBytes > 0) {
    lines.push(
      `Rapid upload: ${s.rapid} hit, ${s.missed} missed; ${formatBytes(s.rapidBytes)} spared${s.missed ? `, ${formatBytes(s.missedBytes)} still to send` : ''}`,
    );
  }
  if (s.renamedDuplicates) {
    lines.push(`Renamed: ${s.renamedDuplicates} file(s) whose source folder holds another file of their name, under "name (2).ext"...`);
  }
  for (const e of s.errors.slice(0, 20)) lines.push(`  failed: ${e.rel}: ${e.message}`);
  if (s.errors.length > 20) lines.push(`  ... and ${s.errors.length - 20} more`);
  process.stderr.write(lines.join('\n') + '\n');
}
