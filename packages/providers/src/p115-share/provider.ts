import type { Readable } from 'node:stream';
import {
  AuthError,
  BadInput,
  type Capabilities,
  type Entry,
  NotFound,
  type ProviderContext,
  RateLimited,
  type ReadOptions,
  TransientError,
  baseName,
  normalizePath,
  parentPath,
} from '@ferry/core';
import type { P115Api } from '../p115/api.js';
import { Downloads } from '../p115/download.js';
import type { P115ShareSource } from '../p115/share-source.js';
import { shareAccess } from './access.js';
import { shareUrlSource } from './download.js';
import type { P115ShareOptions } from './options.js';
import { type ShareRef, ShareSnap, findChild } from './snap.js';

/** The share's top level: 115 lists it as folder id 0 (share notes §1). */
const SHARE_TOP_CID = '0';

/** "115 share sw6pw793wfp", plus the remote's name when it is a configured one (not written inline). */
export function shareLabel(remote: string, shareCode: string): string {
  return remote.startsWith(':') || remote === '' ? `115 share ${shareCode}` : `115 share ${shareCode} (remote '${remote}')`;
}

/**
 * A 115 share link as a read-only source. Paths are paths inside the share: "/" is its top level,
 * or the share folder `root_id` names.
 * Listing works anonymously; file bytes need a logged-in account (`account`), whose cookie and
 * User-Agent fetch the download URLs. A 115 target on the same service receives from it instead
 * of copying bytes (see ShareReceiver).
 */
export class P115ShareProvider implements P115ShareSource {
  readonly type = 'p115-share';
  readonly capabilities: Capabilities = {
    read: true,
    write: false,
    rapidUpload: false,
    serverSideImport: false,
    hashes: ['sha1'],
    rangeRead: true,
    sameNameFiles: false,
  };
  readonly share: ShareRef;
  readonly label: string;
  readonly webapiUrl: string;
  /** The p115 remote whose login is borrowed; undefined when listing anonymously. */
  readonly account: string | undefined;
  private readonly api: P115Api;
  private readonly snap: ShareSnap;
  private readonly downloads: Downloads | undefined;
  /** Folder path -> id; a share is an immutable snapshot, so what was found stays true. */
  private readonly folderIds: Map<string, string>;
  private readonly rootId: string;

  constructor(
    readonly remote: string,
    options: P115ShareOptions,
    context: ProviderContext = {},
  ) {
    const share_code = options.share_code.toLowerCase();
    this.rootId = options.root_id;
    this.folderIds = new Map([['/', this.rootId]]);
    this.label = shareLabel(remote, share_code);
    this.share = { share_code, receive_code: options.receive_code, label: this.label };
    const access = shareAccess(this.label, options, context);
    this.api = access.api;
    this.account = access.account;
    this.webapiUrl = access.options.webapi_url;
    this.snap = new ShareSnap(this.api, this.share, access.options.page_size);
    this.downloads = access.account
      ? new Downloads(
          this.api,
          access.options.download_segment_size,
          shareUrlSource(this.api, this.share, access.account, options.web_download_max_size),
        )
      : undefined;
  }

  private where(path: string): string {
    return `${this.label}:${path}`;
  }

  /** The title the owner gave the share (a folder name for an import), or '' when 115 gives none. */
  async title(): Promise<string> {
    return (await this.snap.shareInfo())?.share_title?.trim() ?? '';
  }

  /** A root_id that names no folder of this share is a configuration error, said as one. */
  private async checkRoot(): Promise<void> {
    try {
      await this.snap.page(this.rootId, 0, 1);
    } catch (err) {
      if (err instanceof TransientError || err instanceof RateLimited || err instanceof AuthError) throw err;
      throw new NotFound(`${this.label}: root_id ${this.rootId} is not a folder of this share (${(err as Error).message})`);
    }
  }

  /** Folder id of a share path, found by listing the way down. */
  private async folderId(path: string): Promise<string> {
    const known = this.folderIds.get(path);
    if (known !== undefined) return known;
    const parent = await this.folderId(parentPath(path));
    const entry = await findChild(this.snap.list(parentPath(path), parent), baseName(path), this.where(path));
    if (!entry.isDir) throw new NotFound(`${this.where(path)}: not a folder`);
    this.folderIds.set(path, entry.id!);
    return entry.id!;
  }

  async stat(path: string): Promise<Entry> {
    const p = normalizePath(path);
    if (p === '/') {
      // One small snap call: an expired, cancelled or code-protected share fails here, up front.
      await this.snap.shareInfo();
      if (this.rootId !== SHARE_TOP_CID) await this.checkRoot();
      return { path: '/', name: '', isDir: true, size: 0, id: this.rootId };
    }
    const parentId = await this.folderId(parentPath(p));
    const entry = await findChild(this.snap.list(parentPath(p), parentId), baseName(p), this.where(p));
    if (entry.isDir) this.folderIds.set(p, entry.id!);
    return entry;
  }

  async *list(dir: string): AsyncIterable<Entry> {
    const p = normalizePath(dir);
    const cid = await this.folderId(p);
    for await (const entry of this.snap.list(p, cid)) {
      if (entry.isDir) this.folderIds.set(entry.path, entry.id!);
      yield entry;
    }
  }

  private reader(entry: Entry): Downloads {
    if (!this.downloads) {
      throw new AuthError(
        `${this.where(entry.path)}: reading file bytes from a 115 share needs a logged-in 115 account: pass \`--account REMOTE\` (account=REMOTE) naming a p115 remote`,
      );
    }
    if (entry.isDir) throw new BadInput(`${this.where(entry.path)}: is a folder`);
    return this.downloads;
  }

  async openRead(entry: Entry, options: ReadOptions = {}): Promise<Readable> {
    const downloads = this.reader(entry);
    const id = entry.id ?? (await this.stat(entry.path)).id!;
    const start = options.start ?? 0;
    const end = Math.min(options.end ?? entry.size, entry.size);
    return downloads.open(entry, id, start, end, this.where(entry.path));
  }

  async readRange(entry: Entry, start: number, end: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.openRead(entry, { start, end })) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async pacingAccount(): Promise<string> {
    return this.api.pacer.account;
  }

  async close(): Promise<void> {
    await this.api.close();
  }
}
