import type { Command } from 'commander';
import type { DeleteLimit } from '@ferry/core';
import { UsageError } from './output.js';

export interface DeleteLimitFlags {
  delete?: boolean;
  maxDelete?: string;
  deleteAll?: boolean;
}

/** `--max-delete` and `--delete-all`, for sync and for scheduled syncs alike. */
export function addDeleteLimitOptions(cmd: Command): Command {
  return cmd
    .option('--max-delete <n|p%>', 'with --delete: delete nothing when the run would delete more than N files, or more than P% of dest\'s files (default: hold back when source lists no file or more than half of dest\'s files would go)')
    .option('--delete-all', 'with --delete: no limit on deletions, even when source lists no file (same as --max-delete 100%)');
}

/** The limit the flags set, or undefined for the default guard (core's delete-guard.ts). */
export function deleteLimitFrom(flags: DeleteLimitFlags): DeleteLimit | undefined {
  if (flags.maxDelete !== undefined && flags.deleteAll) throw new UsageError('--max-delete and --delete-all cannot be used together');
  if ((flags.maxDelete !== undefined || flags.deleteAll) && !flags.delete) {
    throw new UsageError(`${flags.deleteAll ? '--delete-all' : '--max-delete'} limits the deletions of --delete: add --delete`);
  }
  if (flags.deleteAll) return { percent: 100 };
  if (flags.maxDelete === undefined) return undefined;
  const text = flags.maxDelete.trim();
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(text);
  if (percent) {
    const p = Number(percent[1]);
    if (p <= 100) return { percent: p };
  } else if (/^\d+$/.test(text) && Number.isSafeInteger(Number(text))) {
    return { files: Number(text) };
  }
  throw new UsageError(`--max-delete takes a number of files (10) or a percentage of dest's files from 0% to 100% (25%), got '${flags.maxDelete}'`);
}
