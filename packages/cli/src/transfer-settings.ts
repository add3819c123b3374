import type { CompareMode, ConflictPolicy, DeleteLimit, FerryConfig } from '@ferry/core';
import { type DeleteLimitFlags, deleteLimitFrom } from './delete-limit-flags.js';
import { UsageError } from './output.js';

export interface TransferSettingFlags extends DeleteLimitFlags {
  transfers?: string;
  retries?: string;
  checksum?: boolean;
  sizeOnly?: boolean;
  onConflict?: string;
}

export interface TransferSettings {
  transfers: number;
  retries: number;
  compare: CompareMode;
  onConflict: ConflictPolicy;
  /** sync --delete: undefined for the default deletion guard. */
  maxDelete?: DeleteLimit;
}

const POLICIES: readonly ConflictPolicy[] = ['overwrite', 'skip', 'rename'];

/** A whole-number flag in [min, max], or the usage error naming it. */
export function wholeNumber(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (value === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got '${value}'`);
  }
  return n;
}

/** The flags of copy/sync checked once, for runs in-process and on the workers alike. */
export function transferSettings(flags: TransferSettingFlags, defaults: FerryConfig['defaults']): TransferSettings {
  if (flags.checksum && flags.sizeOnly) throw new UsageError('--checksum and --size-only cannot be used together');
  const onConflict = (flags.onConflict ?? 'overwrite') as ConflictPolicy;
  if (!POLICIES.includes(onConflict)) throw new UsageError(`--on-conflict must be one of ${POLICIES.join(', ')}, got '${flags.onConflict}'`);
  // Renamed copies are files the source does not have: the next sync --delete would remove them.
  if (onConflict === 'rename' && flags.delete) throw new UsageError('--on-conflict rename cannot be used with sync --delete');
  const maxDelete = deleteLimitFrom(flags);
  return {
    ...(maxDelete ? { maxDelete } : {}),
    transfers: flags.transfers === undefined ? (defaults.transfers ?? 4) : wholeNumber('transfers', flags.transfers, 1, 64),
    retries: flags.retries === undefined ? (defaults.retries ?? 3) : wholeNumber('retries', flags.retries, 0, 20),
    compare: flags.checksum ? 'checksum' : flags.sizeOnly ? 'size-only' : 'default',
    onConflict,
  };
}
