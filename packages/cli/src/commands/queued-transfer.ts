import type { RunSummary, TransferMode } from '@ferry/core';
import {
  type TransferSummary,
  TransferFailed,
  displayRedisUrl,
  followTransfer,
  portablePath,
  redisUrlFrom,
  submitTransfer,
} from '@ferry/worker';
import { loadContext } from '../context.js';
import { UsageError } from '../output.js';
import { refuseOverlap } from '../overlap-guard.js';
import { ProgressReporter, progressIntervalMs } from '../progress.js';
import { type TransferSettingFlags, transferSettings } from '../transfer-settings.js';
import { type QueueFlags, withQueues } from '../queue-options.js';
import { watchWorkers } from '../worker-watch.js';
import { RunRecorder } from '../run-record.js';
import { type FilterFlags, type RecordFlags, type SendingFlags, filterRulesOf, sendingOf } from '../transfer-flags.js';

export interface QueuedTransferFlags extends QueueFlags, TransferSettingFlags, FilterFlags, SendingFlags, RecordFlags {
  dryRun?: boolean;
  json?: boolean;
  progress?: boolean;
  progressInterval?: string;
  queue?: boolean;
  wait?: boolean;
}

/**
 * `copy|sync --queue`: submits the transfer to the workers and prints its id; with `--wait`,
 * follows it with the in-process progress bar and ends with the same summary. Returns the
 * summary when it waited. `mode` names the job: copy, sync, or the provider command that copies.
 */
export async function runQueuedTransfer(
  mode: TransferMode | (string & {}),
  sourceArg: string,
  destArg: string,
  flags: QueuedTransferFlags,
  globals: { verbose?: boolean; quiet?: boolean },
  printSummary: (s: RunSummary, json: boolean) => void,
): Promise<TransferSummary | undefined> {
  if (!flags.queue) throw new UsageError('--wait follows a queued transfer: add --queue, or leave out --wait to run here');
  if (flags.dryRun) throw new UsageError('--dry-run runs in-process; leave out --queue to see the plan');
  // Named remotes and paths are checked here, with what the user typed, before anything is queued.
  const ctx = await loadContext();
  const { retries, compare, onConflict, maxDelete } = transferSettings(flags, ctx.config.defaults);
  const rules = filterRulesOf(flags);
  if (flags.report !== undefined && !flags.rapidOnly) throw new UsageError('--report lists the misses of --rapid-only: add --rapid-only');
  // The report and the log are written here, from the events the workers send: only while following.
  if (!flags.wait && (flags.report !== undefined || flags.logFile !== undefined)) {
    throw new UsageError('--report and --log-file are written while following a queued transfer: add --wait');
  }
  const intervalMs = progressIntervalMs(flags.progressInterval);
  const source = ctx.locate(sourceArg);
  const target = ctx.locate(destArg);
  await source.provider.stat(source.path);
  await refuseOverlap(source, target);
  const sending = sendingOf(flags, target);

  const spec = {
    ...rules,
    ...sending,
    mode,
    source: portablePath(sourceArg),
    target: portablePath(destArg),
    deleteExtraneous: !!flags.delete,
    ...(maxDelete ? { maxDelete } : {}),
    compare,
    onConflict,
    retries,
  };
  // Opened before anything is queued: a report or log that cannot be written stops it here.
  const recorder = new RunRecorder(flags);
  return withQueues(flags, async (queues) => {
    const submitted = await submitTransfer(queues, spec);
    process.stdout.write(`${submitted.id}\n`);
    if (submitted.existing) process.stderr.write(`ferry: the same transfer is already queued as ${submitted.id}; nothing was added\n`);
    if (!flags.wait) {
      if (!flags.json) process.stderr.write(`Queued; follow it with \`ferry jobs show ${submitted.id}\`\n`);
      return undefined;
    }
    const quiet = !!globals.quiet || flags.progress === false || !!flags.json;
    const reporter = new ProgressReporter({ tty: !!process.stderr.isTTY, quiet, verbose: !!globals.verbose, intervalMs });
    let ended: TransferSummary | undefined;
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const stopWatching = watchWorkers(queues, displayRedisUrl(redisUrlFrom(flags.redis)), (line) => reporter.log(line));
    try {
      const summary = await followTransfer(
        queues,
        submitted.id,
        (event) => {
          recorder.onEvent(event);
          reporter.onEvent(event);
        },
        { signal: stop.signal },
      );
      ended = summary;
      reporter.stop();
      printSummary({ ...summary, dryRun: false }, !!flags.json);
      return summary;
    } catch (err) {
      reporter.stop();
      if (stop.signal.aborted) {
        process.stderr.write(`\nferry: stopped waiting; transfer ${submitted.id} stays queued (cancel it with \`ferry jobs cancel ${submitted.id}\`)\n`);
        process.exit(130);
      }
      if (err instanceof TransferFailed) throw new Error(err.message);
      throw err;
    } finally {
      recorder.finish(ended && { ...ended, dryRun: false });
      stopWatching();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  });
}
