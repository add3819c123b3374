import { type RunSummary, emptyRunSummary } from '@ferry/core';
import type { ShareProblem } from '../../p115/share-errors.js';

/**
 * What became of one link of `ferry import-share`: `ok` (imported, every file done), `failed`
 * (it ran, some files failed, or the run stopped), `dead` (the service refused the share before
 * anything ran), or `queued` (submitted to the workers without --wait).
 */
export interface LinkResult {
  link: string;
  share_code: string;
  status: 'ok' | 'failed' | 'dead' | 'queued';
  /** Why a dead link is dead; `error` when the check failed for another reason (network, login). */
  reason?: ShareProblem | 'error';
  /** The one-line message of a dead or failed link. */
  error?: string;
  /** The link's own counts, when it ran here or was followed with --wait. */
  files?: Pick<RunSummary, 'copied' | 'rapid' | 'imported' | 'skipped' | 'failed'>;
}

const TOTALLED = [
  'copied',
  'rapid',
  'imported',
  'skipped',
  'failed',
  'deleted',
  'deletesPending',
  'missed',
  'missedBytes',
  'rapidBytes',
  'bytes',
  'plannedFiles',
  'plannedBytes',
  'sourceBytesRead',
  'resumedBytes',
  'durationMs',
] as const;

/** The run summaries of every link that ran, added up into one. */
export function totalOf(summaries: RunSummary[], dryRun: boolean): RunSummary {
  const total = emptyRunSummary(dryRun);
  for (const s of summaries) {
    for (const key of TOTALLED) total[key] += s[key];
    total.errors.push(...s.errors);
  }
  return total;
}

export function filesOf(s: RunSummary): NonNullable<LinkResult['files']> {
  return { copied: s.copied, rapid: s.rapid, imported: s.imported, skipped: s.skipped, failed: s.failed };
}

/** The per-link lines that end the text summary (stderr). */
export function linkResultLines(results: LinkResult[]): string[] {
  const count = (status: LinkResult['status']) => results.filter((r) => r.status === status).length;
  const queued = count('queued');
  return [
    `Links: ${count('ok')} ok, ${queued ? `${queued} queued, ` : ''}${count('failed') + count('dead')} failed`,
    ...results.map((r) => {
      if (r.status === 'dead') return `  ${r.reason}: ${r.link}: ${r.error}`;
      if (r.error !== undefined) return `  failed: ${r.link}: ${r.error}`;
      const f = r.files;
      const counts = f ? ` (${f.copied} copied, ${f.rapid} rapid, ${f.imported} imported, ${f.skipped} skipped, ${f.failed} failed)` : '';
      return `  ${r.status}: ${r.link}${counts}`;
    }),
  ];
}
