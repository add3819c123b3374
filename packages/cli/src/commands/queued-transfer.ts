import { type CompareMode, type RunSummary, type TransferMode } from '@ferry/core';
import { type TransferSummary, TransferFailed, followTransfer, portablePath, submitTransfer } from '@ferry/worker';
import { loadContext } from '../context.js';
import { UsageError } from '../output.js';
import { ProgressReporter } from '../progress.js';
import { type QueueFlags, withQueues } from '../queue-options.js';

export interface QueuedTransferFlags extends QueueFlags {
  dryRun?: boolean;
  retries?: string;
  include: string[];
  exclude: string[];
  delete?: boolean;
  checksum?: boolean;
  sizeOnly?: boolean;
  json?: boolean;
  progress?: boolean;
  wait?: boolean;
}

/**
 * `copy|sync --queue`: submits the transfer to the workers and prints its id; with `--wait`,
 * follows it with the in-process progress bar and ends with the same summary. Returns the
 * summary when it waited.
 */
export async function runQueuedTransfer(
  mode: TransferMode,
  sourceArg: string,
  destArg: string,
  flags: QueuedTransferFlags,
  globals: { verbose?: boolean; quiet?: boolean },
  printSummary: (s: RunSummary, json: boolean) => void,
): Promise<TransferSummary | undefined> {
  if (flags.dryRun) throw new UsageError('--dry-run runs in-process; leave out --queue to see the plan');
  if (flags.checksum && flags.sizeOnly) throw new UsageError('--checksum and --size-only cannot be used together');
  const retries = flags.retries === undefined ? 3 : Number(flags.retries);
  if (!Number.isInteger(retries) || retries < 0 || retries > 20) throw new UsageError(`--retries must be a whole number from 0 to 20`);
  const compare: CompareMode = flags.checksum ? 'checksum' : flags.sizeOnly ? 'size-only' : 'default';

  // Named remotes and paths are checked here, with what the user typed, before anything is queued.
  const ctx = await loadContext();
  const source = ctx.locate(sourceArg);
  ctx.locate(destArg);
  await source.provider.stat(source.path);

  const spec = {
    mode,
    source: portablePath(sourceArg),
    target: portablePath(destArg),
    deleteExtraneous: !!flags.delete,
    compare,
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
    const reporter = new ProgressReporter({ tty: !!process.stderr.isTTY, quiet, verbose: !!globals.verbose });
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
