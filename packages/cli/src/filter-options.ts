import type { Command } from 'commander';
import { PathFilter } from '@ferry/core';

export interface FilterFlags {
  include: string[];
  exclude: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** --include/--exclude for the commands that take filters but not the transfer options (delete, check, size). */
export function addFilterOptions(cmd: Command): Command {
  return cmd
    .option('--include <glob>', 'only files matching this glob (repeatable)', collect, [])
    .option('--exclude <glob>', 'skip files and folders matching this glob (repeatable)', collect, []);
}

export function filterOf(flags: FilterFlags): PathFilter {
  return new PathFilter({ include: flags.include, exclude: flags.exclude });
}
