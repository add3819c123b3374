import type { Readable } from 'node:stream';
import {
  BadInput,
  type Capabilities,
  Conflict,
  type Placement,
  type Entry,
  type LocationIdentity,
  NotFound,
  type Provider,
  type SpaceUsage,
  type ProviderContext,
  type RapidResult,
  type RapidSource,
  type ReadOptions,
  type UploadRequest,
  type UploadSession,
  baseName,
  checkName,
  normalizePath,
  notYetCreated,
  parentPath,
} from '@ferry/core';
import { getInfo115, indexInfo115 } from '@ferry/protocols';
import { P115Api } from './api.js';
import { Downloads, chromeUrlSource } from './download.js';
import { makeFolder, moveItems, recycleItems, renameItem } from './file-ops.js';
import { FolderIds } from './folder-ids.js';
import { type ListedItem, listFolder } from './listing.js';
import type { P115Options } from './options.js';
import { ShareReceiver } from './share-receive.js';
import { P115Uploads } from './upload.js';

/**
 * 115 through its cookie web/app API: a source, an upload target (rapid upload with 115's proof
 * challenge, else a resumable OSS multipart upload; see upload.ts), folder operations, and a
 * target for 115 shares, which it receives (转存) server-side. Paths are relative to `root_id`.
 */
export class P115Provider implements Provider {
  readonly type = 'p115';
  readonly capabilities: Capabilities = {
    read: true,
    write: true,
    rapidUpload: true,
    serverSideImport: true,
    hashes: ['sha1'],
    rangeRead: true,
    sameNameFiles: true,
  };
  readonly api: P115Api;
  readonly folders: FolderIds;
  /** Receives 115 shares on the same service into this account: no byte through Ferry. */
  readonly serverImport: ShareReceiver;
  private readonly downloads: Downloads;
  private readonly uploads: P115Uploads;
  /** File id -> pick code, filled by listings; downloads need the pick code. */
  private readonly pickCodes = new Map<string, string>();

  constructor(
    readonly remote: string,
    readonly options: P115Options,
    context: ProviderContext = {},
  ) {
    this.api = new P115Api(remote, options, 'cookie', context.pacing);
    this.folders = new FolderIds(this.api, options.root_id);
    this.downloads = new Downloads(this.api, options.download_segment_size, chromeUrlSource(this.api));
    this.serverImport = new ShareReceiver(this);
    this.uploads = new P115Uploads(this.api, {
      remote,
      folderId: async (dir) => {
        await this.mkdirp(dir);
        return this.folders.require(normalizePath(dir));
      },
      settle: (path, landed, placement) => this.settle(path, landed, placement),
      removeFile: (id) => recycleItems(this.api, [id]),
    });
  }

  /** A streamed upload: OSS multipart with STS credentials and 115's callback (upload.ts). */
  beginUpload(path: string, request: UploadRequest): Promise<UploadSession> {
    return this.uploads.begin(path, request);
  }

  /** Rapid upload (秒传) from the SHA-1, answering 115's proof challenge from the source. */
  tryRapidUpload(path: string, source: RapidSource, placement?: Placement): Promise<RapidResult> {
    return this.uploads.tryRapid(path, source, placement);
  }

  /**
   * After a file landed: 115 keeps files of the same name side by side, so the older ones go to
   * the recycle bin (unless the new one belongs beside them: the source's other files of that
   * name), and the new one's entry comes from the listing: by file id or pick code after an OSS
   * upload, by name and SHA-1 after a rapid hit (whose init pick code is not the file's), as
   * 115driver's checkUploadStatus finds an upload. The listing runs oldest first, so of several
   * same-content files the last is the one just landed.
   */
  private async settle(path: string, landed: { pickCode?: string; fileId?: string; size: number; sha1: string }, placement: Placement): Promise<Entry> {
    const dir = parentPath(path);
    const name = baseName(path);
    const dirId = await this.folders.require(dir);
    const same: ListedItem[] = [];
    for await (const item of listFolder(this.api, dir, dirId, this.options.page_size)) {
      this.remember(item);
      if (!item.entry.isDir && item.entry.name === name) same.push(item);
    }
    const mine =
      same.find((i) => (landed.fileId !== undefined && i.entry.id === landed.fileId) || (landed.pickCode !== undefined && i.pickCode === landed.pickCode)) ??
      (landed.fileId === undefined && landed.pickCode === undefined ? same.findLast((i) => i.entry.sha1 === landed.sha1 && i.entry.size === landed.size) : undefined);
    const older = same.filter((i) => i !== mine).map((i) => i.entry.id!);
    if (mine && older.length > 0 && !placement.besideSameName) await recycleItems(this.api, older);
    return mine?.entry ?? { path, name, isDir: false, size: landed.size, sha1: landed.sha1, ...(landed.fileId ? { id: landed.fileId } : {}) };
  }

  private where(path: string): string {
    return `${this.remote}:${path}`;
  }

  private remember(item: ListedItem): Entry {
    if (item.entry.isDir) this.folders.remember(item.entry.path, item.entry.id!);
    else if (item.pickCode) this.pickCodes.set(item.entry.id!, item.pickCode);
    return item.entry;
  }

  /**
   * The item ids from the drive's top down to `path` on this account, so another remote on the
   * same account (another root_id, another name) is seen as the same place.
   */
  async identify(path: string): Promise<LocationIdentity> {
    const names = normalizePath(path).split('/').filter((n) => n !== '');
    let depth = names.length;
    let folderId: string | undefined;
    for (; depth > 0; depth--) {
      folderId = await this.folders.find(`/${names.slice(0, depth).join('/')}`);
      if (folderId !== undefined) break;
    }
    const chain = await this.folders.chainOf(folderId ?? this.options.root_id);
    const rest = names.slice(depth);
    if (rest.length === 1) {
      const file = await this.stat(`/${names.join('/')}`).catch((err: unknown) => {
        if (err instanceof NotFound) return undefined;
        throw err;
      });
      if (file?.id !== undefined) return { store: this.store(), chain: [...chain, file.id] };
    }
    return { store: this.store(), chain: [...chain, ...rest.map(notYetCreated)] };
  }

  /** One 115 account at one API host; the user id is the cookie's, so two remotes of one login match. */
  private store(): string {
    return `p115:${this.options.webapi_url}|${this.api.userId}`;
  }

  async stat(path: string): Promise<Entry> {
    const p = normalizePath(path);
    if (p === '/') return { path: '/', name: '', isDir: true, size: 0, id: this.options.root_id };
    const folderId = await this.folders.find(p);
    if (folderId !== undefined) return { path: p, name: baseName(p), isDir: true, size: 0, id: folderId };
    const parentId = await this.folders.find(parentPath(p));
    if (parentId === undefined) throw new NotFound(`${this.where(p)}: no such file or folder`);
    const name = baseName(p);
    for await (const item of listFolder(this.api, parentPath(p), parentId, this.options.page_size)) {
      const entry = this.remember(item);
      if (entry.name === name) return entry;
    }
    throw new NotFound(`${this.where(p)}: no such file or folder`);
  }

  async *list(dir: string): AsyncIterable<Entry> {
    const p = normalizePath(dir);
    const id = await this.folders.find(p);
    if (id === undefined) throw new NotFound(`${this.where(p)}: no such folder`);
    for await (const item of listFolder(this.api, p, id, this.options.page_size)) yield this.remember(item);
  }

  private async pickCodeOf(entry: Entry): Promise<string> {
    if (entry.isDir) throw new BadInput(`${this.where(entry.path)}: is a folder`);
    const id = entry.id ?? (await this.stat(entry.path)).id!;
    const known = this.pickCodes.get(id);
    if (known) return known;
    const info = await this.api.call('webapi', '/files/get_info', getInfo115, { query: { file_id: id } });
    const pc = info.data[0]?.pc;
    if (!pc) throw new NotFound(`${this.where(entry.path)}: 115 lists no pick code for this file`);
    this.pickCodes.set(id, pc);
    return pc;
  }

  async openRead(entry: Entry, options: ReadOptions = {}): Promise<Readable> {
    const start = options.start ?? 0;
    const end = Math.min(options.end ?? entry.size, entry.size);
    const pickCode = await this.pickCodeOf(entry);
    return this.downloads.open(entry, pickCode, start, end, this.where(entry.path));
  }

  async readRange(entry: Entry, start: number, end: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.openRead(entry, { start, end })) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async mkdirp(dir: string): Promise<void> {
    const parts = dir.split('/').filter((p) => p !== '');
    for (const part of parts) checkName(part, this.where(dir));
    let path = '/';
    let id = this.options.root_id;
    for (const part of parts) {
      path = path === '/' ? `/${part}` : `${path}/${part}`;
      const existing = await this.folders.find(path);
      if (existing !== undefined) {
        id = existing;
        continue;
      }
      try {
        id = await makeFolder(this.api, id, part);
      } catch (err) {
        if (!(err instanceof Conflict)) throw err;
        id = await this.folders.require(path);
      }
      this.folders.remember(path, id);
    }
  }

  /** `id` picks one of several files of one name; by path alone, the first listed goes. */
  async remove(path: string, id?: string): Promise<void> {
    const p = normalizePath(path);
    if (p === '/') throw new BadInput(`${this.where(p)}: refusing to remove the root`);
    await recycleItems(this.api, [id ?? (await this.stat(p)).id!]);
    this.folders.forget(p);
  }

  async move(from: string, to: string): Promise<Entry> {
    const src = normalizePath(from);
    const dst = normalizePath(to);
    const name = checkName(baseName(dst), this.where(dst));
    const entry = await this.stat(src);
    if (parentPath(src) !== parentPath(dst)) await moveItems(this.api, [entry.id!], await this.folders.require(parentPath(dst)));
    if (entry.name !== name) await renameItem(this.api, entry.id!, name);
    this.folders.forget(src);
    return { ...entry, path: dst, name };
  }

  /** 115's own figures (webapi files/index_info), as its web page shows them. */
  async about(): Promise<SpaceUsage> {
    const { space_info: space } = (await this.api.call('webapi', '/files/index_info', indexInfo115)).data;
    return { used: Math.round(space.all_use.size), total: Math.round(space.all_total.size), free: Math.round(space.all_remain.size) };
  }

  async pacingAccount(): Promise<string> {
    return this.api.pacer.account;
  }

  async close(): Promise<void> {
    await this.api.close();
  }
}
