import { createHash, randomBytes } from 'node:crypto';
import type { TransferSpec } from './job-data.js';

/**
 * A file job's id is a function of (transfer, source path): planning the same transfer again, or
 * submitting it twice, finds the job already there and BullMQ adds nothing. BullMQ ids may not
 * hold ':' (a scheduler's run ids do), hence the substitution.
 */
export function fileJobId(transferId: string, rel: string): string {
  const digest = createHash('sha1').update(rel).digest('hex').slice(0, 24);
  return `${transferId.replaceAll(':', '_')}-${digest}`;
}

/**
 * A batch of small files is named by its place in the plan (folder, window of planned entries),
 * not by the files still to copy in it: a replan after some of them landed names it the same.
 * NUL never occurs in a path, so no file's id can collide with a batch's.
 */
export function batchJobId(transferId: string, folder: string, window: number, part: number): string {
  return fileJobId(transferId, `\0batch\0${folder}\0${window}\0${part}`);
}

/** What makes two submissions the same transfer. */
export function transferKey(spec: TransferSpec): string {
  const filters = [spec.rules, spec.minSize, spec.maxSize, spec.minAge, spec.maxAge, spec.only, spec.rapidOnly];
  // The filters join the identity only when set, so keys of transfers without them stay as they were.
  const extra = filters.some((f) => f !== undefined && f !== false && !(Array.isArray(f) && f.length === 0)) ? [filters] : [];
  const identity = [spec.mode, spec.source, spec.target, spec.deleteExtraneous, spec.compare, spec.include, spec.exclude, ...extra];
  return createHash('sha1').update(JSON.stringify(identity)).digest('hex').slice(0, 16);
}

export function newTransferId(): string {
  return `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}
