import { randomInt } from 'node:crypto';
import { type Content, type Node, ROOT_ID, type UserTree, newId } from './store.js';

/**
 * 115 share links (share notes): a share is an immutable SNAPSHOT of some of its
 * owner's items, taken when it is created (share notes §8). Later renames, moves, additions or
 * deletions in the owner's drive do not reach it; file nodes keep their content reference (a
 * memory buffer or a path on disk) so downloads and receives still work after the owner deletes.
 */

export type ShareState = 'normal' | 'review' | 'expired' | 'cancelled' | 'banned';

/** Knobs for the places where the notes are open ([?]); every field is optional. */
export interface ShareOptions {
  /**
   * Emit share_state, receive_count, file_size, create_time, auto_renewal, auto_fill_recvcode and
   * downurl's fs as strings, as 115 did before SheltonZhu/115driver#57. `count`, `s` and `fc` stay
   * numbers (Go `int` in 115driver and elevengo). Default false (numbers).
   */
  numbersAsStrings?: boolean;
  /** Receives land this long after the answer (clients poll the folder, share notes §6). Default 0: synchronous. */
  receiveDelayMs?: number;
  /** Items (files and folders, counted deep) one receive call may create; more answers 4100030. Default 50,000. */
  maxReceiveItems?: number;
  /** Page-size cap of snap; larger limits are clamped, not refused (share notes §4.1). Default 1150. */
  snapLimitCap?: number;
  /** An expired share answers errno 4100018 on snap instead of state:true + share_state 7. Default false. */
  expiredAsErrno?: boolean;
  /** Errno of a cancelled share: 4100026 (default, "不存在或已被删除") or 4100009 ("链接已失效"), share notes §7. */
  cancelledErrno?: number;
  /**
   * The web downurl's size cap in bytes (share notes §5.1, quirk 9.7: p115client's "max 200 MB");
   * larger files answer 50028 there and need the app variant. Default 200 MiB; false: no cap.
   */
  downurlMaxBytes?: number | false;
}

/** A node of a snapshot. Ids are fresh 19-digit ids; the share root is '0' (share notes §1). */
export interface SnapNode {
  id: string;
  parentId: string;
  name: string;
  isDir: boolean;
  size: number;
  /** Upper-case hex; empty for folders. */
  sha1: string;
  ctime: number;
  mtime: number;
  content?: Content;
}

export interface Share {
  code: string;
  /** `shareinfo.snap_id`: a 19-digit id of the snapshot. */
  snapId: string;
  /** '' for a share without an access code. */
  receiveCode: string;
  ownerId: string;
  title: string;
  createTime: number;
  /** Unix seconds; -1 never expires (the notes leave the "never" value open, 4.3). */
  expireTime: number;
  receiveCount: number;
  state: ShareState;
  /** Per-share override of ShareOptions.numbersAsStrings. */
  numbersAsStrings?: boolean;
  nodes: Map<string, SnapNode>;
  children: Map<string, SnapNode[]>;
  fileSize: number;
  fileCount: number;
  folderCount: number;
  /** `${receiver}|${target cid}|${item id}` -> id of the copy, or PENDING while a delayed receive has not landed. */
  received: Map<string, string>;
}

export const PENDING = 'pending';
export const SHARE_ROOT = ROOT_ID;
const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomAlnum(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += ALNUM[randomInt(ALNUM.length)];
  return out;
}

function randomReceiveCode(): string {
  return randomAlnum(4);
}

export class ShareStore {
  readonly byCode = new Map<string, Share>();
  /** Successful receive calls. */
  receives = 0;
  /** Logged-in downurl calls by variant (share notes §5.1), refusals included: which one a client used. */
  readonly downurls = { web: 0, app: 0 };
  /** Delayed receives still to land; cleared on close so no timer outlives the server. */
  readonly timers = new Set<NodeJS.Timeout>();

  /** Share codes are looked up lower-cased (p115client lower-cases them, share notes §1). */
  get(code: string): Share | undefined {
    return this.byCode.get(code.toLowerCase());
  }

  require(code: string): Share {
    const share = this.get(code);
    if (!share) throw new Error(`emulator has no share '${code}'`);
    return share;
  }

  create(owner: UserTree, items: Node[], options: { receiveCode?: string; title?: string; expireTime?: number } = {}): Share {
    const receiveCode = options.receiveCode ?? randomReceiveCode();
    if (receiveCode !== '' && !/^[a-z0-9]{4}$/.test(receiveCode)) throw new Error(`receive code must be 4 of [a-z0-9] or '': '${receiveCode}'`);
    let code: string;
    do code = `sw${randomAlnum(9)}`;
    while (this.byCode.has(code));
    const share: Share = {
      code,
      snapId: newId(),
      receiveCode,
      ownerId: owner.userId,
      title: options.title ?? (items.length > 1 ? `${items[0]!.name}等${items.length}个文件` : (items[0]?.name ?? '')),
      createTime: Math.floor(Date.now() / 1000),
      expireTime: options.expireTime ?? -1,
      receiveCount: 0,
      state: 'normal',
      nodes: new Map(),
      children: new Map(),
      fileSize: 0,
      fileCount: 0,
      folderCount: 0,
      received: new Map(),
    };
    for (const item of items) snapshotInto(share, owner, item, SHARE_ROOT);
    this.byCode.set(code, share);
    return share;
  }

  /** The state a caller sees: a normal share whose expire_time has passed is expired. */
  effectiveState(share: Share, nowS = Date.now() / 1000): ShareState {
    if (share.state === 'normal' && share.expireTime > 0 && share.expireTime < nowS) return 'expired';
    return share.state;
  }

  clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

function snapshotInto(share: Share, owner: UserTree, node: Node, parentId: string): void {
  const snap: SnapNode = {
    id: newId(),
    parentId,
    name: node.name,
    isDir: node.isDir,
    size: node.isDir ? 0 : node.size,
    sha1: node.isDir ? '' : node.sha1.toUpperCase(),
    ctime: node.ctime,
    mtime: node.mtime,
    ...(node.content ? { content: node.content } : {}),
  };
  share.nodes.set(snap.id, snap);
  let siblings = share.children.get(parentId);
  if (!siblings) share.children.set(parentId, (siblings = []));
  siblings.push(snap);
  if (!node.isDir) {
    share.fileCount++;
    share.fileSize += snap.size;
    return;
  }
  share.folderCount++;
  for (const child of owner.children(node.id)) snapshotInto(share, owner, child, snap.id);
}

export function snapChildren(share: Share, cid: string): SnapNode[] {
  return share.children.get(cid) ?? [];
}

/** Files and folders a receive of `node` creates (the node itself included). */
export function deepCount(share: Share, node: SnapNode): number {
  let n = 1;
  if (node.isDir) for (const child of snapChildren(share, node.id)) n += deepCount(share, child);
  return n;
}

/** Whether a folder's subtree holds at least one file (115 refuses to receive "empty" folders, 51011). */
export function holdsFile(share: Share, node: SnapNode): boolean {
  if (!node.isDir) return true;
  return snapChildren(share, node.id).some((child) => holdsFile(share, child));
}

/** Deep copy of a snapshot node into a user's tree, with fresh ids; returns the new top node's id. */
export function receiveInto(share: Share, node: SnapNode, tree: UserTree, parentId: string): string {
  if (!node.isDir) return tree.addFile(parentId, node.name, node.content!, node.size, node.sha1).id;
  const folder = tree.addFolder(parentId, node.name);
  for (const child of snapChildren(share, node.id)) receiveInto(share, child, tree, folder.id);
  return folder.id;
}
