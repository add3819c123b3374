import { BadInput, Conflict, type Entry, NotFound, checkName, normalizeSha1, notYetCreated } from '@ferry/core';
import {
  ALIYUN_PATHS,
  type AliyunFile,
  aliyunCreateResponseSchema,
  aliyunFileSchema,
  aliyunListResponseSchema,
} from '@ferry/protocols';
import type { AliyunOpenApi } from './api.js';

const LIST_LIMIT = 100;

/** Splits a remote path into checked names: nothing hostile reaches a create or a lookup. */
export function pathNames(path: string, where: string): string[] {
  return path
    .split('/')
    .filter((p) => p !== '')
    .map((p) => checkName(p, where));
}

export function joinRemote(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

export function toEntry(path: string, file: AliyunFile): Entry {
  const isDir = file.type === 'folder';
  const mtime = file.updated_at ? Date.parse(file.updated_at) : NaN;
  const sha1 = isDir ? undefined : normalizeSha1(file.content_hash);
  return {
    path,
    name: file.name,
    isDir,
    size: isDir ? 0 : (file.size ?? 0),
    ...(Number.isFinite(mtime) ? { mtime } : {}),
    ...(sha1 ? { sha1 } : {}),
    id: file.file_id,
  };
}

/**
 * Paths to file ids. Folders are cached by path (a copy of many files into one folder resolves it
 * once); files are looked up each time because they change under us. With the drive's own root a
 * path is one get_by_path call; below another root_id the tree is walked by listing.
 */
export class Tree {
  private readonly folders = new Map<string, string>();

  constructor(
    private readonly api: AliyunOpenApi,
    readonly driveId: string,
    readonly rootId: string,
    private readonly display: (path: string) => string,
  ) {
    this.folders.set('/', rootId);
  }

  forget(path: string): void {
    for (const key of [...this.folders.keys()]) {
      if (key !== '/' && (key === path || key.startsWith(`${path}/`))) this.folders.delete(key);
    }
  }

  rememberFolder(path: string, id: string): void {
    this.folders.set(path, id);
  }

  async *pages(parentId: string, where: string): AsyncGenerator<AliyunFile[]> {
    let marker = '';
    do {
      const page = await this.api.call(
        ALIYUN_PATHS.list,
        { drive_id: this.driveId, parent_file_id: parentId, limit: LIST_LIMIT, order_by: 'name', order_direction: 'ASC', ...(marker ? { marker } : {}) },
        aliyunListResponseSchema,
        where,
      );
      yield page.items;
      marker = page.next_marker;
    } while (marker);
  }

  /** The object at a path (not the root), or NotFound. */
  async lookup(path: string): Promise<AliyunFile> {
    const names = pathNames(path, this.display(path));
    const where = this.display(path);
    if (names.length === 0) throw new BadInput(`${where}: the root has no file object`);
    if (this.rootId === 'root') {
      return this.api.call(ALIYUN_PATHS.getByPath, { drive_id: this.driveId, file_path: `/${names.join('/')}` }, aliyunFileSchema, where);
    }
    const name = names.pop()!;
    const parentPath = names.length ? `/${names.join('/')}` : '/';
    const parentId = await this.folderId(parentPath);
    for await (const items of this.pages(parentId, where)) {
      const found = items.find((f) => f.name === name);
      if (found) return found;
    }
    throw new NotFound(`${where}: no such file or folder`);
  }

  /** The id of an existing folder; NotFound when missing, BadInput when it is a file. */
  async folderId(path: string): Promise<string> {
    const cached = this.folders.get(path === '' ? '/' : path);
    if (cached) return cached;
    const file = await this.lookup(path);
    if (file.type !== 'folder') throw new BadInput(`${this.display(path)}: is a file, not a folder`);
    this.folders.set(path, file.file_id);
    return file.file_id;
  }

  /**
   * File ids from the drive's top ("root") down to `path`, the part that does not exist yet as
   * names. A root_id other than "root" is placed in the drive by walking its parents (openFile/get).
   */
  async idChain(path: string): Promise<string[]> {
    const chain = await this.rootChain();
    const names = pathNames(path, this.display(path));
    for (let i = 0; i < names.length; i++) {
      const sub = `/${names.slice(0, i + 1).join('/')}`;
      try {
        chain.push(i === names.length - 1 ? (await this.lookup(sub)).file_id : await this.folderId(sub));
      } catch (err) {
        if (!(err instanceof NotFound)) throw err;
        chain.push(...names.slice(i).map(notYetCreated));
        break;
      }
    }
    return chain;
  }

  private async rootChain(): Promise<string[]> {
    const below: string[] = [];
    for (let id = this.rootId; id !== 'root'; ) {
      below.unshift(id);
      const file = await this.api.call(ALIYUN_PATHS.get, { drive_id: this.driveId, file_id: id }, aliyunFileSchema, this.display('/'));
      id = file.parent_file_id;
    }
    return ['root', ...below];
  }

  /** Creates the folders of a path that do not exist yet; `refuse` answers an existing one's id. */
  async mkdirp(path: string): Promise<string> {
    const names = pathNames(path, this.display(path));
    let current = '/';
    let id = this.rootId;
    for (const name of names) {
      current = joinRemote(current, name);
      const cached = this.folders.get(current);
      if (cached) {
        id = cached;
        continue;
      }
      const where = this.display(current);
      const made = await this.api.call(
        ALIYUN_PATHS.create,
        { drive_id: this.driveId, parent_file_id: id, name, type: 'folder', check_name_mode: 'refuse' },
        aliyunCreateResponseSchema,
        where,
      );
      if (made.exist && made.type === 'file') throw new Conflict(`${where}: a file holds this name, so it cannot be a folder`);
      id = made.file_id;
      this.folders.set(current, id);
    }
    return id;
  }
}
