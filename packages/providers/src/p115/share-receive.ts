import { randomBytes } from 'node:crypto';
import {
  BadInput,
  Conflict,
  PARTIAL_PREFIX,
  type Entry,
  type Placement,
  type Provider,
  type ServerImport,
  TransientError,
  baseName,
  checkName,
  joinPath,
  normalizePath,
  parentPath,
  sleep,
} from '@ferry/core';
import { ALREADY_RECEIVED_TEXT, type Failure115, SHARE_ERR, shareReceive115 } from '@ferry/protocols';
import { type P115Api, failureIn } from './api.js';
import { makeFolder, moveItems, recycleItems, renameItem } from './file-ops.js';
import type { FolderIds } from './folder-ids.js';
import { type P115ShareSource, isP115ShareSource, sameWebapi } from './share-source.js';
import { shareFailure } from './share-errors.js';

/** The parts of the 115 provider a receive works with. */
export interface ReceiveTarget {
  readonly remote: string;
  readonly api: P115Api;
  readonly folders: FolderIds;
  list(dir: string): AsyncIterable<Entry>;
  mkdirp(dir: string): Promise<void>;
}

/**
 * Receiving is asynchronous in effect (share notes §6): 115 answers first and the items appear in
 * the folder later, so the folder is polled, with pauses that grow, for as long as one client
 * known to wait does (10 minutes).
 */
export interface ReceivePolling {
  firstPauseMs: number;
  maxPauseMs: number;
  timeoutMs: number;
}

export const DEFAULT_RECEIVE_POLLING: ReceivePolling = { firstPauseMs: 250, maxPauseMs: 15_000, timeoutMs: 10 * 60_000 };

/** The drive's root folder id. A receive with `cid` 0 does not land there (share notes §6: 最近接收). */
const DRIVE_ROOT = '0';

/** Receive refusals that the importer works around rather than reports. */
class ReceiveRefused extends Error {
  constructor(
    readonly kind: 'already' | 'too-many' | 'empty-folder',
    readonly failure: Failure115,
  ) {
    super(`115 refused the receive (${failure.code ?? ''} ${failure.text})`);
  }
}

/**
 * 115's own share import (转存) as the target's ServerImport: a file or a whole folder of a 115
 * share lands in the account by one `POST webapi/share/receive`, and no byte passes through Ferry.
 */
export class ShareReceiver implements ServerImport {
  constructor(
    private readonly target: ReceiveTarget,
    private readonly polling: ReceivePolling = DEFAULT_RECEIVE_POLLING,
  ) {}

  /** Only an account on the webapi host the share is read through can receive it. */
  canImportFrom(source: Provider): boolean {
    return isP115ShareSource(source) && sameWebapi(source.webapiUrl, this.target.api.options.webapi_url);
  }

  /** Replaces a file of the name already there, unless `placement` puts the new one beside it. */
  async importEntry(source: Provider, entry: Entry, dstPath: string, placement: Placement = {}): Promise<Entry> {
    if (!this.canImportFrom(source)) throw new BadInput(`remote '${this.target.remote}' cannot receive from ${source.remote}: not a 115 share on the same 115 service`);
    const share = source as P115ShareSource;
    const dst = normalizePath(dstPath);
    const name = checkName(baseName(dst), this.where(dst));
    const parent = parentPath(dst);
    await this.target.mkdirp(parent);
    const folderId = await this.target.folders.require(parent);
    const before = await this.children(parent);
    const occupant = [...before.values()].find((e) => e.name === name && (e.isDir || !placement.besideSameName));
    if (occupant?.isDir) throw new Conflict(`${this.where(dst)}: a folder is in the way of ${share.label}:${entry.path}`);

    let landed: Entry;
    try {
      landed = folderId === DRIVE_ROOT ? await this.receiveAtRoot(share, entry) : await this.receive(share, entry, folderId, parent, before);
    } catch (err) {
      if (!(err instanceof ReceiveRefused)) throw err;
      if (!entry.isDir) throw new BadInput(`${this.where(dst)}: ${err.message} for ${share.label}:${entry.path}`);
      // A folder 115 will not take whole: too many items for one call (4100030), or nothing but
      // folders in it (51011). Make the folder and take its content piece by piece instead.
      return this.importChildren(share, entry, dst);
    }

    // The new item is in place before the old one goes, so the path never stands empty.
    if (occupant && occupant.id !== landed.id) {
      await recycleItems(this.target.api, [occupant.id!]);
      this.target.folders.forget(dst);
    }
    if (landed.name !== name) {
      await renameItem(this.target.api, landed.id!, name);
      // Paths under the old name may have been cached by the listing that found it.
      this.target.folders.forget(joinPath(parent, landed.name));
    }
    const final: Entry = { ...landed, path: dst, name };
    if (final.isDir) this.target.folders.remember(dst, final.id!);
    return final;
  }

  private where(path: string): string {
    return `${this.target.remote}:${path}`;
  }

  /** Direct children of a folder by id (the listing keeps the folder-id cache right). */
  private async children(dir: string): Promise<Map<string, Entry>> {
    const out = new Map<string, Entry>();
    for await (const e of this.target.list(dir)) out.set(e.id!, e);
    return out;
  }

  /** One receive call, then the wait until the item appears; an item received before counts. */
  private async receive(share: P115ShareSource, entry: Entry, folderId: string, parent: string, before: Map<string, Entry>): Promise<Entry> {
    const id = entry.id ?? (await share.stat(entry.path)).id;
    if (!id) throw new BadInput(`${share.label}:${entry.path}: the share lists no id for it`);
    try {
      await this.post(share, id, folderId, parent);
    } catch (err) {
      if (!(err instanceof ReceiveRefused) || err.kind !== 'already') throw err;
      // Received into this folder before: the copy that is there is the result (a file only if its
      // content matches). Without one, an earlier receive may still be landing: wait for it.
      const same = [...before.values()].filter((e) => e.isDir === entry.isDir && sameContent(e, entry));
      const existing = same.find((e) => e.name === entry.name);
      if (existing) return existing;
      const renamed = entry.sha1 ? same.find((e) => e.sha1 === entry.sha1) : undefined;
      if (renamed) {
        // 115 receives an item into a folder once; a second copy there cannot be had this way.
        throw new Conflict(`${this.where(parent)}: ${share.label}:${entry.path} was received into this folder before and is there as '${renamed.name}'; 115 will not receive it again`);
      }
    }
    return this.waitFor(share, entry, parent, before);
  }

  /**
   * The drive's root cannot be named as a receive target (cid 0 means 115's 最近接收 folder), so
   * the item is received into a hidden folder of its own and moved up from there.
   */
  private async receiveAtRoot(share: P115ShareSource, entry: Entry): Promise<Entry> {
    const api = this.target.api;
    const stagingPath = `/${PARTIAL_PREFIX}receive-${randomBytes(6).toString('hex')}`;
    const stagingId = await makeFolder(api, DRIVE_ROOT, stagingPath.slice(1));
    this.target.folders.remember(stagingPath, stagingId);
    try {
      const got = await this.receive(share, entry, stagingId, stagingPath, new Map());
      await moveItems(api, [got.id!], DRIVE_ROOT);
      this.target.folders.forget(got.path);
      return { ...got, path: joinPath('/', got.name) };
    } finally {
      // Emptied by the move (or abandoned by a failure): it goes either way.
      await recycleItems(api, [stagingId]).catch(() => {});
      this.target.folders.forget(stagingPath);
    }
  }

  private async post(share: P115ShareSource, fileId: string, folderId: string, parent: string): Promise<void> {
    const { share_code, receive_code } = share.share;
    const api = this.target.api;
    const form = new URLSearchParams({ share_code, receive_code, file_id: fileId, cid: folderId, user_id: api.userId });
    const json = await api.callRaw('webapi', '/share/receive', {
      form,
      headers: { referer: `https://115.com/s/${share_code}?password=${receive_code}` },
    });
    const failure = failureIn(json);
    if (failure) {
      if (failure.code === SHARE_ERR.alreadyReceived || failure.text.includes(ALREADY_RECEIVED_TEXT)) throw new ReceiveRefused('already', failure);
      if (failure.code === SHARE_ERR.tooManyItems) throw new ReceiveRefused('too-many', failure);
      if (failure.code === SHARE_ERR.emptyFolder) throw new ReceiveRefused('empty-folder', failure);
      const shareError = shareFailure(failure, share.label);
      if (shareError) throw shareError;
      if (failure.code === SHARE_ERR.folderFull) {
        throw new BadInput(`${this.where(parent)}: 115 keeps at most 50,000 files in one folder (${failure.code} ${failure.text})`);
      }
      throw api.mapFailure(failure, `${this.where(parent)}: receiving from ${share.label}`);
    }
    const parsed = shareReceive115.safeParse(json);
    if (!parsed.success) throw new TransientError(`${this.where(parent)}: unexpected reply from 115 /share/receive`);
  }

  /** Polls the folder until a new item of the entry's name and kind is there. */
  private async waitFor(share: P115ShareSource, entry: Entry, parent: string, before: Map<string, Entry>): Promise<Entry> {
    const started = Date.now();
    let pause = this.polling.firstPauseMs;
    for (;;) {
      for (const e of (await this.children(parent)).values()) {
        if (!before.has(e.id!) && e.name === entry.name && e.isDir === entry.isDir) return e;
      }
      if (Date.now() - started + pause > this.polling.timeoutMs) {
        throw new TransientError(
          `${this.where(parent)}: 115 accepted ${share.label}:${entry.path} but it has not appeared after ${Math.round((Date.now() - started) / 1000)} s`,
        );
      }
      await sleep(pause);
      pause = Math.min(this.polling.maxPauseMs, Math.ceil(pause * 1.5));
    }
  }

  /**
   * The folder made here, its content received item by item (each subfolder whole where 115
   * allows). What an earlier, interrupted attempt already landed is kept.
   */
  private async importChildren(share: P115ShareSource, folder: Entry, dst: string): Promise<Entry> {
    await this.target.mkdirp(dst);
    const present = [...(await this.children(dst)).values()];
    // A share folder can hold several files of one name: the second lands beside the first.
    const seen = new Set<string>();
    for await (const child of share.list(folder.path)) {
      const childDst = joinPath(dst, checkName(child.name, `${share.label}:${folder.path}`));
      const there = present.findIndex((e) => e.name === child.name && (e.isDir ? child.isDir : sameContent(e, child)));
      if (there >= 0 && child.isDir) await this.importChildren(share, child, childDst);
      else if (there < 0) await this.importEntry(share, child, childDst, seen.has(child.name) ? { besideSameName: true } : {});
      if (there >= 0) present.splice(there, 1);
      seen.add(child.name);
    }
    return { path: dst, name: baseName(dst), isDir: true, size: 0, id: await this.target.folders.require(dst) };
  }
}

/** Files match when their SHA-1s (or, lacking those, sizes) do; folders by name alone. */
function sameContent(a: Entry, b: Entry): boolean {
  if (a.isDir || b.isDir) return a.isDir === b.isDir;
  if (a.sha1 && b.sha1) return a.sha1 === b.sha1;
  return a.size === b.size;
}
