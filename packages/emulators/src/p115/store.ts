import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/** File bytes live in memory (tests) or stay on disk (a seed folder, so a 1 GiB seed costs no RAM). */
export type Content = { kind: 'memory'; data: Buffer } | { kind: 'disk'; path: string };

export interface Node {
  id: string;
  parentId: string;
  name: string;
  isDir: boolean;
  size: number;
  /** Upper-case hex, as 115 lists it; empty for folders. */
  sha1: string;
  pickCode: string;
  /** 1 normal, 7 recycle bin. */
  aid: 1 | 7;
  ctime: number;
  mtime: number;
  content?: Content;
}

export const ROOT_ID = '0';

/**
 * 19-digit ids like 115's (beyond 2^53), so a client that parses them as numbers breaks here first.
 * One sequence for every tree and every share snapshot, so an id never names two things.
 */
let nextId = 2_920_294_968_491_934_720n;
export function newId(): string {
  nextId += BigInt(1 + (Number(nextId % 7n) * 13));
  return nextId.toString();
}

/** Pick codes are opaque to clients: files start a..e, folders fa..fe, and a per-user tail (web notes §2.3). */
function pickCodeFor(id: string, isDir: boolean, userTail: string): string {
  const prefix = 'abcde'[Number(BigInt(id) % 5n)]!;
  return `${isDir ? 'f' : ''}${prefix}${BigInt(id).toString(36)}${userTail}`;
}

export class UserTree {
  readonly nodes = new Map<string, Node>();
  private readonly byPickCode = new Map<string, Node>();
  /** Parent id -> child ids, so a listing costs the folder's size, not the tree's. */
  private readonly childIds = new Map<string, Set<string>>();
  private readonly pickTail = randomBytes(2).toString('hex');

  constructor(
    readonly name: string,
    readonly userId: string,
  ) {}

  get(id: string): Node | undefined {
    return this.nodes.get(id);
  }

  /** A live (not recycled) node whose ancestors are live too. */
  live(id: string): Node | undefined {
    if (id === ROOT_ID) return undefined;
    const node = this.nodes.get(id);
    if (!node || node.aid !== 1) return undefined;
    if (node.parentId !== ROOT_ID && !this.isLiveFolder(node.parentId)) return undefined;
    return node;
  }

  isLiveFolder(id: string): boolean {
    if (id === ROOT_ID) return true;
    const node = this.live(id);
    return !!node && node.isDir;
  }

  byPick(pickCode: string): Node | undefined {
    const node = this.byPickCode.get(pickCode);
    return node && this.live(node.id) ? node : undefined;
  }

  children(parentId: string): Node[] {
    const out: Node[] = [];
    for (const id of this.childIds.get(parentId) ?? []) {
      const node = this.nodes.get(id)!;
      if (node.aid === 1) out.push(node);
    }
    return out;
  }

  childFolder(parentId: string, name: string): Node | undefined {
    return this.children(parentId).find((n) => n.isDir && n.name === name);
  }

  /** Ancestors from the root down to (and without) `id`. */
  ancestors(id: string): Node[] {
    const out: Node[] = [];
    let cur = this.nodes.get(id);
    while (cur && cur.parentId !== ROOT_ID) {
      const parent = this.nodes.get(cur.parentId);
      if (!parent) break;
      out.unshift(parent);
      cur = parent;
    }
    return out;
  }

  isAncestorOrSelf(ancestorId: string, id: string): boolean {
    for (let cur: string | undefined = id; cur && cur !== ROOT_ID; cur = this.nodes.get(cur)?.parentId) {
      if (cur === ancestorId) return true;
    }
    return false;
  }

  addFolder(parentId: string, name: string): Node {
    return this.insert({ parentId, name, isDir: true, size: 0, sha1: '' });
  }

  /** `pickCode` is one from reservePickCode (uploads hand it out before the file exists). */
  addFile(parentId: string, name: string, content: Content, size: number, sha1: string, pickCode?: string): Node {
    return this.insert({ parentId, name, isDir: false, size, sha1: sha1.toUpperCase(), content }, pickCode);
  }

  /**
   * A file pick code for a file that does not exist yet: initupload answers with the pick code of
   * the file the OSS callback will create later (web notes §4.3, 4.5).
   */
  reservePickCode(): string {
    return pickCodeFor(newId(), false, this.pickTail);
  }

  private insert(fields: Pick<Node, 'parentId' | 'name' | 'isDir' | 'size' | 'sha1'> & { content?: Content }, pickCode?: string): Node {
    const id = newId();
    const now = Math.floor(Date.now() / 1000);
    const node: Node = { ...fields, id, pickCode: pickCode ?? pickCodeFor(id, fields.isDir, this.pickTail), aid: 1, ctime: now, mtime: now };
    this.nodes.set(id, node);
    this.byPickCode.set(node.pickCode, node);
    this.indexChild(node);
    return node;
  }

  private indexChild(node: Node): void {
    let set = this.childIds.get(node.parentId);
    if (!set) this.childIds.set(node.parentId, (set = new Set()));
    set.add(node.id);
  }

  /** Moves a node under another parent (which may not exist: 115 lets moves dangle). */
  reparent(node: Node, parentId: string): void {
    this.childIds.get(node.parentId)?.delete(node.id);
    node.parentId = parentId;
    this.indexChild(node);
  }

  /** Folder id of a `/`-separated path, creating folders when asked; undefined when missing. */
  folderByPath(path: string, create = false): string | undefined {
    let id = ROOT_ID;
    for (const part of path.split('/').filter(Boolean)) {
      const next = this.childFolder(id, part) ?? (create ? this.addFolder(id, part) : undefined);
      if (!next) return undefined;
      id = next.id;
    }
    return id;
  }

  /** The node at a path (first match by name, as duplicate names are allowed). */
  nodeByPath(path: string): Node | undefined {
    const parts = path.split('/').filter(Boolean);
    const name = parts.pop();
    if (name === undefined) return undefined;
    const parentId = this.folderByPath(parts.join('/'));
    if (parentId === undefined) return undefined;
    return this.children(parentId).find((n) => n.name === name);
  }

  /** Deep copy of a node under a new parent. */
  copyInto(node: Node, parentId: string): Node {
    if (!node.isDir) return this.addFile(parentId, node.name, node.content!, node.size, node.sha1);
    const copy = this.addFolder(parentId, node.name);
    for (const child of this.children(node.id)) this.copyInto(child, copy.id);
    return copy;
  }

  putBuffer(path: string, data: Buffer): Node {
    const parts = path.split('/').filter(Boolean);
    const name = parts.pop()!;
    const parentId = this.folderByPath(parts.join('/'), true)!;
    const sha1 = createHash('sha1').update(data).digest('hex');
    return this.addFile(parentId, name, { kind: 'memory', data }, data.length, sha1);
  }

  /** Loads a folder from disk: names as they are, bytes left on disk, SHA-1 computed now. */
  async seedFrom(dir: string, parentId: string = ROOT_ID): Promise<void> {
    for (const dirent of await fs.readdir(dir, { withFileTypes: true })) {
      const abs = join(dir, dirent.name);
      if (dirent.isDirectory()) {
        const folder = this.childFolder(parentId, dirent.name) ?? this.addFolder(parentId, dirent.name);
        await this.seedFrom(abs, folder.id);
      } else if (dirent.isFile()) {
        const { size } = await fs.stat(abs);
        this.addFile(parentId, dirent.name, { kind: 'disk', path: abs }, size, await sha1OfFile(abs));
      }
    }
  }
}

async function sha1OfFile(path: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Bytes [start, end] inclusive of a node's content. */
export function readContent(content: Content, start: number, endInclusive: number): Readable | Buffer {
  if (content.kind === 'memory') return content.data.subarray(start, endInclusive + 1);
  return createReadStream(content.path, { start, end: endInclusive, highWaterMark: 1024 * 1024 });
}
