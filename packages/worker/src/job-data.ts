import { type RunSummary, deleteLimitSchema, emptyDeleteTally, errorMessage, parseBandwidth } from '@ferry/core';
import { z } from 'zod';

/**
 * What travels through Redis: remote names and paths, never credentials. Workers resolve the
 * names with their own config store. Parsed at every edge: a job written by another version, or
 * by hand, is untrusted input.
 */
export const transferSpecSchema = z.object({
  /** copy, sync or import-share (a copy from a share link's inline remote). */
  mode: z.string().min(1),
  /** "remote:/path", or an absolute path on the workers' local disk. */
  source: z.string().min(1),
  target: z.string().min(1),
  deleteExtraneous: z.boolean().default(false),
  compare: z.enum(['default', 'checksum', 'size-only']).default('default'),
  onConflict: z.enum(['overwrite', 'skip', 'rename']).default('overwrite'),
  include: z.array(z.string()).default([]),
  exclude: z.array(z.string()).default([]),
  /** core's FilterRules, as the CLI read them (a --filter-from file's lines, --from-report's paths). */
  rules: z.array(z.object({ action: z.enum(['+', '-']), pattern: z.string().min(1) })).default([]),
  minSize: z.number().int().min(0).optional(),
  maxSize: z.number().int().min(0).optional(),
  minAge: z.number().int().min(0).optional(),
  maxAge: z.number().int().min(0).optional(),
  only: z.array(z.string()).optional(),
  retries: z.number().int().min(0).max(20).default(3),
  rapidOnly: z.boolean().default(false),
  bwlimit: bwlimitSchema().optional(),
  /** sync --delete: how many files a run may delete (core's DeleteLimit); absent, the default guard. */
  maxDelete: deleteLimitSchema.optional(),
});
export type TransferSpec = z.infer<typeof transferSpecSchema>;

/** `--bwlimit` as typed: it is applied by each worker process, so it travels as text. */
function bwlimitSchema() {
  return z.string().superRefine((text, ctx) => {
    try {
      parseBandwidth(text);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: errorMessage(err) });
    }
  });
}

/** How each file of a transfer is sent: travels with every file job and batch. */
const sendingSchema = {
  rapidOnly: z.boolean().optional(),
  bwlimit: bwlimitSchema().optional(),
  /** The transfer's `--on-conflict`, for the target (core's Placement); absent: overwrite. */
  onConflict: z.enum(['skip', 'rename']).optional(),
};
/** A spec as callers write it: fields with defaults may be left out. */
export type TransferSpecInput = z.input<typeof transferSpecSchema>;

const planErrorSchema = z.object({ rel: z.string(), message: z.string() });

export const transferJobDataSchema = z.object({
  spec: transferSpecSchema,
  /** Set for runs started by a job scheduler: one run at a time per schedule. */
  schedule: z.string().optional(),
  /** The dedupe key of submissions (same transfer submitted twice runs once). */
  key: z.string().optional(),
  step: z.enum(['plan', 'finish']).default('plan'),
  /** core's PlannedRun, written by the plan step for the finish step (possibly another worker's). */
  planned: z
    .object({
      files: z.number(),
      bytes: z.number(),
      skipped: z.number(),
      renamedDuplicates: z.number().default(0),
      errors: z.array(planErrorSchema),
      /** `id` picks one of several same-named files on a target that holds them. */
      deletes: z.array(z.object({ rel: z.string(), path: z.string(), isDir: z.boolean(), id: z.string().optional() })),
      /** core's DeleteTally of the plan, which the deletion guard weighs once the files are done. */
      tally: z.object({ sourceFiles: z.number(), targetFiles: z.number(), deleteFiles: z.number() }).default(emptyDeleteTally),
    })
    .optional(),
});
export type TransferJobData = z.infer<typeof transferJobDataSchema>;

const entrySchema = z.object({
  path: z.string(),
  name: z.string(),
  isDir: z.boolean(),
  size: z.number(),
  mtime: z.number().optional(),
  sha1: z.string().optional(),
  id: z.string().optional(),
});

/** core's FileCheckpoint; loose, so fields core adds later survive the round trip through Redis. */
const checkpointSchema = z.looseObject({
  source: z.object({ size: z.number(), mtime: z.number().optional(), sha1: z.string().optional() }),
  sha1: z.string().optional(),
  target: z.string(),
  upload: z.record(z.string(), z.unknown()),
  offset: z.number(),
  hasher: z.string().optional(),
});

export const fileJobDataSchema = z.object({
  transferId: z.string(),
  source: z.string(),
  target: z.string(),
  rel: z.string(),
  src: entrySchema,
  dstPath: z.string(),
  /** Lands beside the target's files of its name (core's Action). */
  besideSameName: z.boolean().optional(),
  checkpoint: checkpointSchema.optional(),
  ...sendingSchema,
});
export type FileJobData = z.infer<typeof fileJobDataSchema>;

/** core's CopyOutcome, as a file job or a batch returns it. */
const fileResultSchema = z.object({
  rel: z.string(),
  /** `skipped`: a taken-over batch found the file already landed. */
  outcome: z.enum(['copied', 'rapid', 'imported', 'skipped', 'missed']),
  size: z.number(),
  /** Bytes delivered to the target by this attempt's streamed copy. */
  bytes: z.number(),
  sourceBytesRead: z.number(),
  resumedFrom: z.number(),
  /** A `missed` file's SHA-1 (when known) and the target's reason. */
  sha1: z.string().optional(),
  reason: z.string().optional(),
});
export type FileResult = z.infer<typeof fileResultSchema>;

const batchFailureSchema = planErrorSchema.extend({ attempts: z.number().int().optional() });

const batchedFileSchema = z.object({ rel: z.string(), src: entrySchema, dstPath: z.string(), besideSameName: z.boolean().optional() });

/**
 * Small files of one folder travel together: a job round trip costs more than copying a tiny
 * file. `done` and `failed` grow as the batch goes, so a retried batch redoes none of them.
 */
export const batchJobDataSchema = z.object({
  transferId: z.string(),
  source: z.string(),
  target: z.string(),
  files: z.array(batchedFileSchema).min(1),
  ...sendingSchema,
  done: z.array(fileResultSchema).default([]),
  failed: z.array(batchFailureSchema).default([]),
});
export type BatchJobData = z.infer<typeof batchJobDataSchema>;
export type BatchJobInput = z.input<typeof batchJobDataSchema>;

const batchResultSchema = z.object({
  results: z.array(fileResultSchema),
  failed: z.array(batchFailureSchema),
});
export type BatchResult = z.infer<typeof batchResultSchema>;

/**
 * What the finished children of a transfer report, file jobs and batches alike, read from
 * `getChildrenValues()`; values of another shape (a job of another version) are left out.
 */
export function childOutcomes(values: Record<string, unknown>): BatchResult {
  const out: BatchResult = { results: [], failed: [] };
  for (const raw of Object.values(values)) {
    const one = fileResultSchema.safeParse(raw);
    if (one.success) {
      out.results.push(one.data);
      continue;
    }
    const batch = batchResultSchema.safeParse(raw);
    if (!batch.success) continue;
    out.results.push(...batch.data.results);
    out.failed.push(...batch.data.failed);
  }
  return out;
}

/** A run's totals as the in-process runner reports them, plus how the transfer ended. */
export interface TransferSummary extends Omit<RunSummary, 'dryRun'> {
  /** "partial" whenever a single file failed or the deletion guard held deletions back: such a transfer is never "done". */
  state: 'done' | 'partial' | 'skipped';
  /** Why a run did nothing (a schedule's previous run still going). */
  reason?: string;
}
