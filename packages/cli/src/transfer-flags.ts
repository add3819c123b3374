import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  BandwidthLimit,
  type FilterRule,
  type Location,
  can,
  errorMessage,
  parseAge,
  parseBandwidth,
  parseFilterRules,
  parseSize,
} from '@ferry/core';
import { z } from 'zod';
import { UsageError } from './output.js';

/**
 * The flags that pick files (filters) and shape how they are sent (--rapid-only, --bwlimit,
 * --report, --log-file), declared once for copy, sync, import-share, schedule add and any
 * command that takes files from a tree (move, check: call addFilterOptions and filterRulesOf).
 */

export interface FilterFlags {
  include?: string[];
  exclude?: string[];
  minSize?: string;
  maxSize?: string;
  minAge?: string;
  maxAge?: string;
  filterFrom?: string;
  fromReport?: string;
}

export interface SendingFlags {
  rapidOnly?: boolean;
  bwlimit?: string;
}

export interface RecordFlags {
  report?: string;
  logFile?: string;
  logLevel?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** --include, --exclude, --min/max-size, --min/max-age, --filter-from and --from-report. */
export function addFilterOptions(cmd: Command): Command {
  return cmd
    .option('--include <glob>', 'only transfer files matching this glob (repeatable)', collect, [])
    .option('--exclude <glob>', 'skip files and folders matching this glob (repeatable)', collect, [])
    .option('--min-size <size>', 'only files of at least this size (K, M, G, T: binary; a bare number is KiB)')
    .option('--max-size <size>', 'only files of at most this size')
    .option('--min-age <age>', 'only files older than this (ms, s, m, h, d, w, M = 30 d, y; a bare number is seconds)')
    .option('--max-age <age>', 'only files younger than this')
    .option('--filter-from <file>', 'rules from a file, one a line: "+ glob" takes, "- glob" skips; the first match wins')
    .option('--from-report <file>', 'only the files a --report file lists (its "path" fields)');
}

/** --rapid-only and --bwlimit: how the files are sent, the same in-process, queued and scheduled. */
export function addSendingOptions(cmd: Command): Command {
  return cmd
    .option('--rapid-only', 'try the rapid upload for every file and stream none; list the misses with --report')
    .option('--bwlimit <rate>', 'bytes per second, as 10M or 512K, or a timetable "08:00,512K 19:00,off" (per worker process when queued)');
}

/** --report, --log-file and --log-level: files written by the command itself. */
export function addRecordOptions(cmd: Command): Command {
  return cmd
    .option('--report <file>', 'with --rapid-only: write the misses as JSON lines {path, size, sha1, reason}')
    .option('--log-file <file>', 'append one line per file outcome, with its time, to this file')
    .option('--log-level <level>', 'what --log-file records: DEBUG, INFO (default), NOTICE or ERROR');
}

/** core's FilterRules as this command line gives them: plain data, for the planner and for job specs. */
export interface CommandFilterRules {
  include: string[];
  exclude: string[];
  rules?: FilterRule[];
  minSize?: number;
  maxSize?: number;
  minAge?: number;
  maxAge?: number;
  only?: string[];
}

/** The filter flags as rules; a bad value or an unreadable file is a usage error. */
export function filterRulesOf(flags: FilterFlags): CommandFilterRules {
  const rules: CommandFilterRules = { include: flags.include ?? [], exclude: flags.exclude ?? [] };
  const size = (text: string | undefined, flag: string) => (text === undefined ? undefined : usage(() => parseSize(text, flag)));
  const age = (text: string | undefined, flag: string) => (text === undefined ? undefined : usage(() => parseAge(text, flag)));
  const limits = {
    minSize: size(flags.minSize, '--min-size'),
    maxSize: size(flags.maxSize, '--max-size'),
    minAge: age(flags.minAge, '--min-age'),
    maxAge: age(flags.maxAge, '--max-age'),
  };
  for (const [key, value] of Object.entries(limits)) if (value !== undefined) Object.assign(rules, { [key]: value });
  if (rules.minSize !== undefined && rules.maxSize !== undefined && rules.minSize > rules.maxSize) {
    throw new UsageError(`--min-size ${flags.minSize} is above --max-size ${flags.maxSize}: no file could pass`);
  }
  if (flags.filterFrom !== undefined) {
    const parsed = parseFilterRules(readFlagFile('--filter-from', flags.filterFrom));
    if ('badLine' in parsed) {
      throw new UsageError(`--filter-from ${flags.filterFrom}: line ${parsed.badLine} is not "+ glob" or "- glob": ${parsed.line}`);
    }
    rules.rules = parsed;
  }
  if (flags.fromReport !== undefined) rules.only = readReportPaths(flags.fromReport);
  return rules;
}

/** What a `--report` line holds; `path` is relative to the source root of the run that wrote it. */
const reportLineSchema = z.object({ path: z.string().min(1) }).loose();

function readReportPaths(file: string): string[] {
  const paths: string[] = [];
  for (const [i, line] of readFlagFile('--from-report', file).split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    let parsed: z.ZodSafeParseResult<{ path: string }>;
    try {
      parsed = reportLineSchema.safeParse(JSON.parse(line));
    } catch {
      parsed = { success: false } as z.ZodSafeParseResult<{ path: string }>;
    }
    if (!parsed.success) throw new UsageError(`--from-report ${file}: line ${i + 1} is not a report line (JSON with a "path")`);
    paths.push(parsed.data.path);
  }
  return paths;
}

/** --rapid-only and --bwlimit checked against the target: refused before anything runs or is queued. */
export function sendingOf(flags: SendingFlags, target: Location): { rapidOnly?: true; bwlimit?: string } {
  if (flags.rapidOnly) {
    const p = target.provider;
    if (!can(p, 'rapidUpload')) {
      throw new UsageError(`--rapid-only: ${target.display} (${p.type}) takes no rapid uploads, so nothing could land without streaming`);
    }
  }
  if (flags.bwlimit !== undefined) usage(() => parseBandwidth(flags.bwlimit!));
  return { ...(flags.rapidOnly ? { rapidOnly: true } : {}), ...(flags.bwlimit !== undefined ? { bwlimit: flags.bwlimit } : {}) };
}

/** The process-wide bucket for an in-process run's --bwlimit. */
export function bandwidthOf(bwlimit: string | undefined): BandwidthLimit | undefined {
  return bwlimit === undefined ? undefined : usage(() => new BandwidthLimit(bwlimit));
}

function readFlagFile(flag: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${flag} ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : errorMessage(err)}`);
  }
}

/** Core's parse errors are the user's command line: exit 2. */
function usage<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new UsageError(errorMessage(err));
  }
}
