import { type AliyunCheckNameMode, formatAliyunTime, aliyunPreHash, ALIYUN_PRE_HASH_BYTES } from '@ferry/protocols';
import { ApiError, inRecycleBin, invalidParameter, notFoundFileId } from './api-error.js';
import { Content } from './content.js';
import { newId } from './ids.js';

export type NodeStatus = 'available' | 'uploading' | 'trashed';

export interface StoredNode {
  drive_id: string;
  file_id: string;
  parent_file_id: string;
  name: string;
  type: 'file' | 'folder';
  status: NodeStatus;
  content?: Content;
  created_at: number;
  updated_at: number;
}

export const ROOT_ID = 'root';

/** Content the service can deduplicate against, keyed the ways rapid upload looks it up. */
class BlobIndex {
  private readonly bySha1 = new Map<string, Content>();
  private readonly preHashes = new Set<string>();

  add(content: Content): void {
    this.bySha1.set(`${content.size}:${content.sha1}`, content);
    this.preHashes.add(`${content.size}:${aliyunPreHash(content.read(0, ALIYUN_PRE_HASH_BYTES))}`);
  }

  find(size: number, sha1: string): Content | undefined {
    return this.bySha1.get(`${size}:${sha1.toUpperCase()}`);
  }

  hasPreHash(size: number, preHash: string): boolean {
    return this.preHashes.has(`${size}:${preHash.toLowerCase()}`);
  }
}

/**
 * The drives of one user: a tree of nodes per drive. Files being uploaded exist as nodes with
 * status `uploading`, which no listing or path lookup shows: the final name appears on complete.
 */
export class DriveStore {
  private readonly nodes = new Map<string, Map<string, StoredNode>>();
  /**
   * Deduplication spans every user of the real service and outlives a user's own deletions, so
   * the index only grows; tests add content "some other user holds" with addBlob.
   */
  readonly blobs = new BlobIndex();

  constructor(
    readonly driveIds: readonly string[],
    private readonly now: () => number,
  ) {
    for (const id of driveIds) {
      const t = now();
      this.nodes.set(id, new Map([[ROOT_ID, { drive_id: id, file_id: ROOT_ID, parent_file_id: '', name: 'root', type: 'folder', status: 'available', created_at: t, updated_at: t }]]));
    }
  }

  private drive(driveId: string): Map<string, StoredNode> {
    const drive = this.nodes.get(driveId);
    if (!drive) throw new ApiError(403, 'UserNotAllowedAccessDrive', `The app is not allowed to access drive ${driveId}.`);
    return drive;
  }

  /** Bytes of every file that landed, in every drive; uploads still open take none. */
  usedBytes(): number {
    let used = 0;
    for (const drive of this.nodes.values()) {
      for (const node of drive.values()) if (node.type === 'file' && node.status !== 'uploading') used += node.content?.size ?? 0;
    }
    return used;
  }

  /** Files created for an upload that neither landed nor were deleted. */
  uploading(driveId: string): number {
    let n = 0;
    for (const node of this.drive(driveId).values()) if (node.status === 'uploading') n++;
    return n;
  }

  hasDrive(driveId: string): boolean {
    return this.nodes.has(driveId);
  }

  /** Any node, whatever its status. */
  lookup(driveId: string, fileId: string): StoredNode | undefined {
    return this.drive(driveId).get(fileId);
  }

  /** A node a call may act on: it exists, is not being uploaded and is not in the recycle bin. */
  get(driveId: string, fileId: string): StoredNode {
    const node = this.drive(driveId).get(fileId);
    if (!node || node.status === 'uploading') throw notFoundFileId(fileId);
    if (node.status === 'trashed' || this.inTrashedFolder(node)) throw inRecycleBin();
    return node;
  }

  folder(driveId: string, fileId: string): StoredNode {
    const node = this.get(driveId, fileId);
    if (node.type !== 'folder') throw invalidParameter('ParentFileId');
    return node;
  }

  private inTrashedFolder(node: StoredNode): boolean {
    const drive = this.drive(node.drive_id);
    for (let p = drive.get(node.parent_file_id); p; p = drive.get(p.parent_file_id)) {
      if (p.status === 'trashed') return true;
    }
    return false;
  }

  /** Visible children in insertion order; listing sorts them. */
  children(driveId: string, parentId: string): StoredNode[] {
    const out: StoredNode[] = [];
    for (const node of this.drive(driveId).values()) {
      if (node.parent_file_id === parentId && node.status === 'available' && node.file_id !== ROOT_ID) out.push(node);
    }
    return out;
  }

  childNamed(driveId: string, parentId: string, name: string): StoredNode | undefined {
    return this.children(driveId, parentId).find((n) => n.name === name);
  }

  byPath(driveId: string, path: string): StoredNode | undefined {
    let node = this.drive(driveId).get(ROOT_ID);
    for (const part of path.split('/').filter(Boolean)) {
      if (!node) return undefined;
      node = this.childNamed(driveId, node.file_id, part);
    }
    return node;
  }

  /**
   * The name a new node gets under `mode`: `refuse` reports the holder of the name, `auto_rename`
   * numbers the name the way the web client shows it ("a(1).txt"; the exact pattern of the open
   * API is not documented), `ignore` allows the duplicate.
   */
  resolveName(driveId: string, parentId: string, name: string, mode: AliyunCheckNameMode): { name: string; existing?: StoredNode } {
    const existing = this.childNamed(driveId, parentId, name);
    if (!existing || mode === 'ignore') return { name };
    if (mode === 'refuse') return { name, existing };
    const dot = name.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    for (let i = 1; ; i++) {
      const candidate = `${stem}(${i})${ext}`;
      if (!this.childNamed(driveId, parentId, candidate)) return { name: candidate };
    }
  }

  insert(fields: Omit<StoredNode, 'file_id' | 'created_at' | 'updated_at'>): StoredNode {
    const t = this.now();
    const node: StoredNode = { ...fields, file_id: newId(), created_at: t, updated_at: t };
    this.drive(fields.drive_id).set(node.file_id, node);
    if (node.content && node.status === 'available') this.blobs.add(node.content);
    return node;
  }

  land(node: StoredNode, content: Content): void {
    node.content = content;
    node.status = 'available';
    node.updated_at = this.now();
    this.blobs.add(content);
  }

  touch(node: StoredNode): void {
    node.updated_at = this.now();
  }

  /** Removes a node and everything below it for good. */
  remove(node: StoredNode): void {
    const drive = this.drive(node.drive_id);
    for (const child of [...drive.values()]) if (child.parent_file_id === node.file_id) this.remove(child);
    drive.delete(node.file_id);
  }

  isAncestor(driveId: string, ancestorId: string, node: StoredNode): boolean {
    const drive = this.drive(driveId);
    for (let p: StoredNode | undefined = node; p; p = drive.get(p.parent_file_id)) if (p.file_id === ancestorId) return true;
    return false;
  }

  copyTree(node: StoredNode, toParent: string, name: string): StoredNode {
    const copy = this.insert({
      drive_id: node.drive_id,
      parent_file_id: toParent,
      name,
      type: node.type,
      status: 'available',
      ...(node.content ? { content: node.content } : {}),
    });
    for (const child of this.children(node.drive_id, node.file_id)) this.copyTree(child, copy.file_id, child.name);
    return copy;
  }

  /** Seeds a file by path, creating folders on the way (the back door tests and --seed use). */
  putPath(driveId: string, path: string, data: Buffer): StoredNode {
    const parts = path.split('/').filter(Boolean);
    const name = parts.pop();
    if (!name) throw new Error(`seed path ${path} names no file`);
    const parent = this.mkdirPath(driveId, parts.join('/'));
    const old = this.childNamed(driveId, parent.file_id, name);
    if (old) this.remove(old);
    return this.insert({ drive_id: driveId, parent_file_id: parent.file_id, name, type: 'file', status: 'available', content: Content.of(data) });
  }

  mkdirPath(driveId: string, path: string): StoredNode {
    let node = this.drive(driveId).get(ROOT_ID)!;
    for (const part of path.split('/').filter(Boolean)) {
      node =
        this.childNamed(driveId, node.file_id, part) ??
        this.insert({ drive_id: driveId, parent_file_id: node.file_id, name: part, type: 'folder', status: 'available' });
    }
    return node;
  }
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

const CATEGORIES: Record<string, string> = {
  mp4: 'video', mkv: 'video', avi: 'video', mov: 'video',
  mp3: 'audio', flac: 'audio', wav: 'audio',
  jpg: 'image', jpeg: 'image', png: 'image', gif: 'image', heic: 'image',
  zip: 'zip', rar: 'zip', '7z': 'zip',
  txt: 'doc', pdf: 'doc', doc: 'doc', docx: 'doc', md: 'doc',
  apk: 'app',
};

/** The file object of list/get/get_by_path/update/complete (§4). */
export function fileObject(node: StoredNode): Record<string, unknown> {
  const base = {
    drive_id: node.drive_id,
    file_id: node.file_id,
    parent_file_id: node.parent_file_id,
    name: node.name,
    type: node.type,
    status: 'available',
    hidden: false,
    starred: false,
    created_at: formatAliyunTime(node.created_at),
    updated_at: formatAliyunTime(node.updated_at),
  };
  if (node.type === 'folder') return base;
  const ext = extensionOf(node.name);
  return {
    ...base,
    file_extension: ext,
    size: node.content?.size ?? 0,
    content_hash: node.content?.sha1 ?? '',
    content_hash_name: 'sha1',
    category: CATEGORIES[ext] ?? 'others',
    mime_type: 'application/octet-stream',
    punish_flag: 0,
  };
}
