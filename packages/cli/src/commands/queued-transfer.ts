import type { RunSummary, TransferMode } from '@ferry/core';
import { type TransferSummary, TransferFailed, followTransfer, portablePath, submitTransfer } from '@ferry/worker';
import { loadContext } from '../context.js';
import { UsageError } from '../output.js';
import { ProgressReporter, progressIntervalMs } from '../progress.js';
import { type TransferSettingFlags, transferSettings } from '../transfer-settings.js';
import { type QueueFlags, withQueues } from '../queue-options.js';

export interface QueuedTransferFlags extends QueueFlags, TransferSettingFlags {
  dryRun?: boolean;
  include: string[];
  exclude: string[];
  json?: boolean;
  progress?: boolean;
  progressInterval?: string;
  wait?: boolean;
}

/**
 * `copy|sync --queue`: submits the transfer to the workers and prints its id; with `--wait`,
 * follows it with the in-process progress bar and ends with the same summary. Returns the
 * summary when it waited.
 */
export async function runQueuedTransfer(
  mode: TransferMode | 'import-share',
  sourceArg: string,
  destArg: string,
  flags: QueuedTransferFlags,
  globals: { verbose?: boolean; quiet?: boolean },
  printSummary: (s: RunSummary, json: boolean) => void,
): Promise<TransferSummary | undefined> {
  if (flags.dryRun) throw new UsageError('--dry-run runs in-process; leave out --queue to see the plan');
  // Named remotes and paths are checked here, with what the user typed, before anything is queued.
  const ctx = await loadContext();
  const { retries, compare, onConflict } = transferSettings(flags, ctx.config.defaults);
  const intervalMs = progressIntervalMs(flags.progressInterval);
  const source = ctx.locate(sourceArg);
  ctx.locate(destArg);
  await source.provider.stat(source.path);

  const spec = {
    mode,
    source: portablePath(sourceArg),
    target: portablePath(destArg),
    deleteExtraneous: !!flags.delete,
    compare,
    onConflict,
    include: flags.include,
    exclude: flags.exclude,
    retries,
  };
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
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const summary = await followTransfer(queues, submitted.id, (event) => reporter.onEvent(event), { signal: stop.signal });
      reporter.stop();
      printSummary({ ...summary, dryRun: false }, !!flags.json);
      return summary;
    } catch (err) {
      reporter.stop();
      if (err instanceof TransferFailed) throw new Error(err.message);
      throw err;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  });
}
