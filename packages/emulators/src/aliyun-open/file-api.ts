import {
  aliyunCopyRequestSchema,
  aliyunDownloadUrlRequestSchema,
  formatAliyunTime,
  aliyunGetByPathRequestSchema,
  aliyunGetRequestSchema,
  aliyunListRequestSchema,
  aliyunMoveRequestSchema,
  aliyunUpdateRequestSchema,
} from '@ferry/protocols';
import { ApiError, invalidParameter } from './api-error.js';
import { newId } from './ids.js';
import { checkFileName } from './names.js';
import { parseBody } from './parse.js';
import type { EmulatorState } from './state.js';
import { ROOT_ID, type StoredNode, fileObject } from './store.js';

const LIST_DEFAULT = 50;
const LIST_MAX = 100;
const DOWNLOAD_EXPIRE_DEFAULT = 900;
const DOWNLOAD_EXPIRE_MAX = 14400;

type SortKey = 'created_at' | 'updated_at' | 'name' | 'size' | 'name_enhanced';

function compare(a: StoredNode, b: StoredNode, key: SortKey): number {
  switch (key) {
    case 'created_at':
    case 'updated_at':
      return a[key] - b[key];
    case 'size':
      return (a.content?.size ?? 0) - (b.content?.size ?? 0);
    case 'name_enhanced':
      return a.name.localeCompare(b.name, 'en', { numeric: true });
    case 'name':
      return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  }
}

function encodeMarker(parent: string, offset: number): string {
  return Buffer.from(`${parent}:${offset}`).toString('base64url');
}

function decodeMarker(marker: string, parent: string): number {
  const [p, n] = Buffer.from(marker, 'base64url').toString('utf8').split(':');
  const offset = Number(n);
  if (p !== parent || !Number.isInteger(offset) || offset < 0) throw invalidParameter('Marker');
  return offset;
}

/**
 * openFile/list. `limit` above 100 is clamped (AList sends 200 and gets pages), or refused in
 * strict mode. The default order when none is given is undocumented; name ascending is used,
 * ties broken by id so pages never overlap.
 */
export function list(state: EmulatorState, body: unknown): unknown {
  const req = parseBody(aliyunListRequestSchema, body);
  state.store.folder(req.drive_id, req.parent_file_id);
  let limit = req.limit ?? LIST_DEFAULT;
  if (limit < 1 || (limit > LIST_MAX && state.config.strictListLimit)) throw invalidParameter('Limit');
  limit = Math.min(limit, LIST_MAX);
  const key: SortKey = req.order_by ?? 'name';
  const dir = req.order_direction === 'DESC' ? -1 : 1;
  const kind = req.type ?? 'all';
  const items = state.store
    .children(req.drive_id, req.parent_file_id)
    .filter((n) => kind === 'all' || n.type === kind)
    .sort((a, b) => dir * compare(a, b, key) || (a.file_id < b.file_id ? -1 : 1));
  const offset = req.marker ? decodeMarker(req.marker, req.parent_file_id) : 0;
  const page = items.slice(offset, offset + limit);
  const next = offset + limit < items.length ? encodeMarker(req.parent_file_id, offset + limit) : '';
  return { items: page.map(fileObject), next_marker: next };
}

export function get(state: EmulatorState, body: unknown): unknown {
  const req = parseBody(aliyunGetRequestSchema, body);
  return fileObject(state.store.get(req.drive_id, req.file_id));
}

/** get_by_path: "/" answers the root folder (undocumented; clients use "root" directly). */
export function getByPath(state: EmulatorState, body: unknown): unknown {
  const req = parseBody(aliyunGetByPathRequestSchema, body);
  if (!req.file_path.startsWith('/')) throw invalidParameter('FilePath');
  const node = state.store.byPath(req.drive_id, req.file_path);
  if (!node) throw new ApiError(400, 'NotFound.File', `The resource file cannot be found. file_path: ${req.file_path}`);
  return fileObject(node);
}

export function downloadUrl(state: EmulatorState, body: unknown): unknown {
  const req = parseBody(aliyunDownloadUrlRequestSchema, body);
  const node = state.store.get(req.drive_id, req.file_id);
  if (node.type !== 'file') throw invalidParameter('FileId');
  const expireSec = Math.min(Math.max(req.expire_sec ?? DOWNLOAD_EXPIRE_DEFAULT, 1), DOWNLOAD_EXPIRE_MAX);
  const url = state.signer.sign(state.base, 'GET', `/oss/download/${node.drive_id}/${node.file_id}`, {}, expireSec);
  return {
    url,
    expiration: formatAliyunTime(state.now() + expireSec * 1000),
    method: 'GET',
    size: node.content?.size ?? 0,
    content_hash: node.content?.sha1 ?? '',
    content_hash_name: 'sha1',
    file_id: node.file_id,
    drive_id: node.drive_id,
    description: '',
  };
}

/**
 * update (rename). Default check_name_mode `ignore` (tickstep's doc comment). A refused name
 * answers 409 AlreadyExist.File: the code the service uses here is not in the sources.
 */
export function update(state: EmulatorState, body: unknown): unknown {
  const req = parseBody(aliyunUpdateRequestSchema, body);
  const node = state.store.get(req.drive_id, req.file_id);
  if (node.file_id === ROOT_ID) throw invalidParameter('FileId');
  if (req.name !== undefined && req.name !== node.name) {
    checkFileName(req.name);
    const resolved = state.store.resolveName(node.drive_id, node.parent_file_id, req.name, req.check_name_mode ?? 'ignore');
    if (resolved.existing) throw new ApiError(409, 'AlreadyExist.File', 'A file with the same name already exists.');
    node.name = resolved.name;
    state.store.touch(node);
  }
  return fileObject(node);
}

/**
 * move, within one drive. Default check_name_mode `refuse` (SDK); a refused move leaves the file
 * where it was and answers `exist: true` with its id, as create does for a refused name.
 * `new_name` is "the name used when a same-named file exists in the cloud" (Android SDK
 * AliyunpanFileScope.MoveFile, tickstep FileMoveParam): without a clash the item keeps its own
 * name. Uncertain, our choice: on a clash the mode then applies to `new_name`.
 */
export function move(state: EmulatorState, body: unknown): unknown {
  const req = parseBody(aliyunMoveRequestSchema, body);
  if (req.to_drive_id && req.to_drive_id !== req.drive_id) throw invalidParameter('ToDriveId');
  const node = state.store.get(req.drive_id, req.file_id);
  if (node.file_id === ROOT_ID) throw invalidParameter('FileId');
  const target = state.store.folder(req.drive_id, req.to_parent_file_id);
  if (node.type === 'folder' && state.store.isAncestor(req.drive_id, node.file_id, target)) throw invalidParameter('ToParentFileId');
  const clash = state.store.childNamed(req.drive_id, target.file_id, node.name);
  const name = clash && clash.file_id !== node.file_id && req.new_name !== undefined ? checkFileName(req.new_name) : node.name;
  const resolved = state.store.resolveName(req.drive_id, target.file_id, name, req.check_name_mode ?? 'refuse');
  if (resolved.existing && resolved.existing.file_id !== node.file_id) {
    return { drive_id: node.drive_id, file_id: node.file_id, exist: true };
  }
  node.parent_file_id = target.file_id;
  node.name = resolved.name;
  state.store.touch(node);
  return { drive_id: node.drive_id, file_id: node.file_id, exist: false };
}

/**
 * copy. `auto_rename` false (the default) allows a duplicate name. Folders answer an
 * async_task_id as the service does; the copy itself is already complete when it answers.
 */
export function copy(state: EmulatorState, body: unknown): unknown {
  const req = parseBody(aliyunCopyRequestSchema, body);
  if (req.to_drive_id && req.to_drive_id !== req.drive_id) throw invalidParameter('ToDriveId');
  const node = state.store.get(req.drive_id, req.file_id);
  if (node.file_id === ROOT_ID) throw invalidParameter('FileId');
  const target = state.store.folder(req.drive_id, req.to_parent_file_id);
  if (node.type === 'folder' && state.store.isAncestor(req.drive_id, node.file_id, target)) throw invalidParameter('ToParentFileId');
  const { name } = state.store.resolveName(req.drive_id, target.file_id, node.name, req.auto_rename ? 'auto_rename' : 'ignore');
  const copyNode = state.store.copyTree(node, target.file_id, name);
  return { drive_id: copyNode.drive_id, file_id: copyNode.file_id, ...(node.type === 'folder' ? { async_task_id: newId() } : {}) };
}

export function trash(state: EmulatorState, body: unknown): unknown {
  const req = parseBody(aliyunGetRequestSchema, body);
  const node = state.store.get(req.drive_id, req.file_id);
  if (node.file_id === ROOT_ID) throw invalidParameter('FileId');
  node.status = 'trashed';
  state.store.touch(node);
  return { drive_id: node.drive_id, file_id: node.file_id };
}

/** Permanent delete; it also drops a file still being uploaded, with its session. */
export function remove(state: EmulatorState, body: unknown): unknown {
  const req = parseBody(aliyunGetRequestSchema, body);
  const node = state.store.lookup(req.drive_id, req.file_id);
  if (!node || node.file_id === ROOT_ID) throw new ApiError(404, 'NotFound.FileId', `The resource file_id cannot be found. file_id: ${req.file_id}`);
  state.uploads.dropFor(node.file_id);
  state.store.remove(node);
  return { drive_id: node.drive_id, file_id: node.file_id };
}
