import { type Entry, NotFound, RateLimited, TransientError, normalizeSha1 } from '@ferry/core';
import {
  SHARE_STATE,
  type ShareInfo115,
  type ShareItem115,
  isShareFolder,
  rateLimitMargin,
  shareItemId,
  shareItemTime,
  shareSnap115,
} from '@ferry/protocols';
import type { P115Api } from '../p115/api.js';
import { failureIn } from '../p115/api.js';
import { checkShareState, shareFailure } from '../p115/share-errors.js';

export interface ShareRef {
  share_code: string;
  receive_code: string;
  /** Names the share in messages. */
  label: string;
}

/** The Referer 115's own share page sends (newer 115driver copies it). */
export function shareReferer(share: ShareRef): string {
  return `https://115cdn.com/s/${share.share_code}?password=${share.receive_code}&`;
}

/** 115's bare `{"margin": N}` throttle answer as RateLimited, for the engine to wait and retry. */
export function checkMargin(json: unknown, where: string): void {
  const margin = rateLimitMargin(json);
  if (margin !== undefined) throw new RateLimited(`${where}: 115 asks to wait ${margin} s (too many share requests)`, Math.max(1, margin) * 1000);
}

function childPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

function entryOf(dir: string, item: ShareItem115): Entry | undefined {
  const id = shareItemId(item);
  if (!id) return undefined;
  const isDir = isShareFolder(item);
  const mtime = shareItemTime(item);
  const sha1 = isDir ? undefined : normalizeSha1(item.sha);
  return {
    path: childPath(dir, item.n),
    name: item.n,
    isDir,
    size: isDir ? 0 : (item.s ?? 0),
    ...(mtime ? { mtime: mtime * 1000 } : {}),
    ...(sha1 ? { sha1 } : {}),
    id,
  };
}

/**
 * `GET webapi/share/snap` (share notes §4): one page per call, every reply checked for the share's
 * state (a `state: true` reply may still describe an expired or blocked share).
 */
export class ShareSnap {
  private info: Promise<ShareInfo115 | undefined> | undefined;
  /** Set once a reply under review still listed items: this login owns the share. */
  private ownerView = false;

  constructor(
    private readonly api: P115Api,
    private readonly share: ShareRef,
    private readonly pageSize: number,
  ) {}

  async page(cid: string, offset: number, limit: number): Promise<{ count: number; items: ShareItem115[]; info: ShareInfo115 | undefined }> {
    const json = await this.api.callRaw('webapi', '/share/snap', {
      query: {
        share_code: this.share.share_code,
        receive_code: this.share.receive_code,
        cid,
        offset,
        limit,
        asc: 1,
        o: 'file_name',
        format: 'json',
      },
      headers: { referer: shareReferer(this.share) },
    });
    checkMargin(json, this.share.label);
    const failure = failureIn(json);
    if (failure) throw shareFailure(failure, this.share.label) ?? this.api.mapFailure(failure, `${this.share.label}: /share/snap`);
    const parsed = shareSnap115.safeParse(json);
    if (!parsed.success) {
      throw new TransientError(`${this.share.label}: unexpected reply from 115 /share/snap: ${parsed.error.issues[0]?.message ?? 'bad shape'}`);
    }
    const data = parsed.data.data;
    const state = data.share_state ?? data.shareinfo?.share_state;
    if (state === SHARE_STATE.review && data.list.length > 0) this.ownerView = true;
    checkShareState(state, data.shareinfo, this.share.label, this.ownerView);
    return { count: data.count, items: data.list, info: data.shareinfo };
  }

  /** The share's own description (title, size...), from one small snap of the root; also checks it is readable. */
  shareInfo(): Promise<ShareInfo115 | undefined> {
    this.info ??= this.page('0', 0, 1).then(
      (p) => p.info,
      (err: unknown) => {
        this.info = undefined; // a temporary failure must not stick
        throw err;
      },
    );
    return this.info;
  }

  /**
   * The direct children of folder `cid`, paged lazily: `offset += list length` until `count` is
   * reached (OpenList), stopping on an empty page (a server that caps the page size below what
   * was asked, or a count that overstates, cannot loop it forever).
   */
  async *list(dir: string, cid: string): AsyncGenerator<Entry> {
    for (let offset = 0; ; ) {
      const page = await this.page(cid, offset, this.pageSize);
      if (offset === 0 && page.info) this.info ??= Promise.resolve(page.info);
      for (const item of page.items) {
        const entry = entryOf(dir, item);
        if (entry) yield entry;
      }
      offset += page.items.length;
      if (page.items.length === 0 || offset >= page.count) return;
    }
  }
}

/** The entry named `name` among a folder's children, or NotFound. */
export async function findChild(children: AsyncIterable<Entry>, name: string, where: string): Promise<Entry> {
  for await (const e of children) if (e.name === name) return e;
  throw new NotFound(`${where}: no such file or folder`);
}
