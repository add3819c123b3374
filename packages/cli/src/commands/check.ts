import { createWriteStream, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { PathFilter } from '@ferry/core';
import { loadContext } from '../context.js';
import { CountProgress } from '../count-progress.js';
import { type FilterFlags, addFilterOptions, filterRulesOf } from '../transfer-flags.js';
import { UsageError } from '../output.js';
import { progressIntervalMs } from '../progress.js';
import { accountHelp, linksAsPaths } from '../path-links.js';
import { type CheckOutcome, checkTrees } from '../tree-check.js';

interface CheckFlags extends FilterFlags {
  oneWay?: boolean;
  json?: boolean;
  account?: string;
  missingOnDst?: string;
  missingOnSrc?: string;
  differ?: string;
  match?: string;
  error?: string;
  combined?: string;
  progress?: boolean;
  progressInterval?: string;
}

/** rclone check's --combined marks. */
const MARKS: Record<CheckOutcome, string> = { match: '=', 'missing-on-dst': '-', 'missing-on-src': '+', differ: '*', error: '!' };
const LIST_FLAGS = { 'missing-on-dst': 'missingOnDst', 'missing-on-src': 'missingOnSrc', differ: 'differ', match: 'match', error: 'error' } as const;
const LABELS: Record<CheckOutcome, string> = { match: 'match', 'missing-on-dst': 'missing on dst', 'missing-on-src': 'missing on src', differ: 'differ', error: 'error' };

export function addCheckCommand(program: Command): void {
  const cmd = program
    .command('check <source> <dest>')
    .description('Compare two folders: files missing on either side and files that differ; exit 1 on any difference')
    .option('--one-way', 'only look for source files missing or different on dest')
    .option('--missing-on-dst <file>', 'write the paths missing on dest to this file')
    .option('--missing-on-src <file>', 'write the paths missing on source to this file')
    .option('--differ <file>', 'write the paths that differ to this file')
    .option('--match <file>', 'write the paths that match to this file')
    .option('--error <file>', 'write the paths that could not be compared to this file')
    .option('--combined <file>', 'write every path with a mark: = match, - missing on dest, + missing on source, * differ, ! error')
    .option('--json', 'print the counts and lists of differences as one JSON line')
    .option('--no-progress', 'no progress lines')
    .option('--progress-interval <seconds>', 'seconds between progress lines (default 5)')
    .option('--account <remote>', accountHelp('a path', true));
  addFilterOptions(cmd)
    .addHelpText(
      'after',
      `
Files are compared by SHA-1 where both listings give one (115, Aliyun), by SHA-1 after hashing one
side where only the other lists it (local disk against a cloud), else by size.`,
    )
    .action(async (sourceArg: string, destArg: string, flags: CheckFlags, command: Command) => {
      const globals = command.optsWithGlobals<{ verbose?: boolean; quiet?: boolean }>();
      const verbose = !!globals.verbose;
      const intervalMs = progressIntervalMs(flags.progressInterval);
      const ctx = await loadContext();
      const [sourcePath, destPath] = linksAsPaths([sourceArg, destArg], ctx.config, flags.account, destArg);
      const source = ctx.locate(sourcePath!);
      const target = ctx.locate(destPath!);
      for (const loc of [source, target]) {
        if (!(await loc.provider.stat(loc.path)).isDir) throw new UsageError(`${loc.display} is a file; check compares two folders`);
      }
      const files: WriteStream[] = [];
      const open = (path: string | undefined) => {
        if (path === undefined) return undefined;
        const stream = createWriteStream(path);
        files.push(stream);
        return stream;
      };
      const lists = Object.fromEntries(Object.entries(LIST_FLAGS).map(([outcome, flag]) => [outcome, open(flags[flag])])) as Record<CheckOutcome, WriteStream | undefined>;
      const combined = open(flags.combined);
      const counts: Record<CheckOutcome, number> = { match: 0, 'missing-on-dst': 0, 'missing-on-src': 0, differ: 0, error: 0 };
      const found: Record<Exclude<CheckOutcome, 'match'>, string[]> = { 'missing-on-dst': [], 'missing-on-src': [], differ: [], error: [] };
      const seen = () => Object.values(counts).reduce((a, b) => a + b, 0);
      const progress = new CountProgress(!!globals.quiet || flags.progress === false || !!flags.json, intervalMs, () => `Checked ${seen()} file(s), ${seen() - counts.match} difference(s) so far`);
      try {
        for await (const f of checkTrees(source, target, new PathFilter(filterRulesOf(flags)), !!flags.oneWay)) {
          counts[f.outcome]++;
          lists[f.outcome]?.write(`${f.rel}\n`);
          combined?.write(`${MARKS[f.outcome]} ${f.rel}\n`);
          if (f.outcome !== 'match') {
            if (flags.json) found[f.outcome].push(f.rel);
            else process.stderr.write(`${LABELS[f.outcome]}: ${f.rel}${f.detail ? ` (${f.detail})` : ''}\n`);
          } else if (verbose && !flags.json) process.stderr.write(`match: ${f.rel} (by ${f.detail})\n`);
        }
      } finally {
        progress.stop();
        for (const stream of files) stream.end();
        await Promise.all(files.map((stream) => finished(stream)));
      }
      const differences = counts['missing-on-dst'] + counts['missing-on-src'] + counts.differ + counts.error;
      if (flags.json) {
        process.stdout.write(
          JSON.stringify({
            matching: counts.match,
            differences,
            missingOnDst: found['missing-on-dst'],
            missingOnSrc: found['missing-on-src'],
            differ: found.differ,
            errors: found.error,
          }) + '\n',
        );
      } else {
        const parts = [`${counts['missing-on-dst']} missing on dst`, ...(flags.oneWay ? [] : [`${counts['missing-on-src']} missing on src`]), `${counts.differ} differ`];
        if (counts.error) parts.push(`${counts.error} could not be compared`);
        process.stderr.write(`${differences} difference(s) found (${parts.join(', ')}), ${counts.match} matching file(s)\n`);
      }
      if (differences > 0) process.exitCode = 1;
    });
}
