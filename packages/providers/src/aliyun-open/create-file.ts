import { type ConflictPolicy, Conflict, NotFound } from '@ferry/core';
import { ALIYUN_PATHS, type AliyunCheckNameMode, type AliyunCreateResponse, aliyunCreateResponseSchema, aliyunFileRefResponseSchema } from '@ferry/protocols';
import type { AliyunOpenApi, Body } from './api.js';

/**
 * How creates of one target name treat a name already taken, as the engine's --on-conflict says:
 * overwrite first asks with `refuse`, and once the service names the holder, creates with
 * `ignore` (the new file is invisible until it lands) and sends the old one to the recycle bin
 * after landing; rename lets the service pick a free name; skip fails the file with Conflict.
 */
export class NamePolicy {
  mode: AliyunCheckNameMode;
  /** The file the new one replaces, trashed once the new one has landed. */
  replaces: string | undefined;

  constructor(readonly policy: ConflictPolicy) {
    this.mode = policy === 'rename' ? 'auto_rename' : 'refuse';
  }
}

export interface FileCreate {
  api: AliyunOpenApi;
  driveId: string;
  parentId: string;
  name: string;
  where: string;
}

export async function createFile(target: FileCreate, names: NamePolicy, fields: Body): Promise<AliyunCreateResponse> {
  for (;;) {
    const mode = names.mode;
    const created = await target.api.call(
      ALIYUN_PATHS.create,
      (token) => ({
        drive_id: target.driveId,
        parent_file_id: target.parentId,
        name: target.name,
        type: 'file',
        check_name_mode: mode,
        ...(typeof fields === 'function' ? fields(token) : fields),
      }),
      aliyunCreateResponseSchema,
      target.where,
    );
    if (!created.exist) return created;
    if (created.type === 'folder') throw new Conflict(`${target.where}: a folder holds this name; remove it or copy elsewhere`);
    if (names.policy === 'skip') throw new Conflict(`${target.where}: a file of this name exists and --on-conflict skip keeps it`);
    names.replaces = created.file_id;
    names.mode = 'ignore';
  }
}

export async function trashReplaced(target: FileCreate, names: NamePolicy, newId: string): Promise<void> {
  if (!names.replaces || names.replaces === newId) return;
  try {
    await target.api.call(
      ALIYUN_PATHS.trash,
      { drive_id: target.driveId, file_id: names.replaces },
      aliyunFileRefResponseSchema,
      target.where,
    );
  } catch (err) {
    // Someone else removed the old file meanwhile: the outcome is the same.
    if (!(err instanceof NotFound)) throw err;
  }
  names.replaces = undefined;
}
