import { BadInput, type Entry, type Placement, type RapidResult, type RapidSource, type UploadRequest, type UploadSession, type UploadState, baseName, checkName, normalizePath, parentPath } from '@ferry/core';
import { z } from 'zod';
import type { P115Api } from './api.js';
import { type InitOutcome, type InitRequest, type OssTarget, UploadInit } from './upload-init.js';
import { Oss115 } from './upload-oss.js';
import { type Landed115, P115Upload, type UploadHome, isP115UploadState, partSizeFor } from './upload-session.js';
import { SpoolUpload, readFileRange } from './upload-spool.js';

/**
 * How long the upload target a miss hands over is used: no public source gives a lifetime for an
 * init's callback, so Ferry's choice [?] drops an older handover for a fresh init.
 */
const HANDOVER_TTL_MS = 30 * 60_000;

/** The upload target a missed init named, handed to the streamed copy (core's RapidResult). */
interface P115Handover extends UploadState {
  /** The file the init was for: the target's callback lands it there. */
  path: string;
  target: OssTarget;
  size: number;
  /** Lower-case. */
  sha1: string;
  /** Milliseconds since the epoch. */
  expires_at: number;
}

const ossTargetSchema = z.object({
  bucket: z.string(),
  object: z.string(),
  callback: z.string(),
  callback_var: z.string(),
  pickcode: z.string().optional(),
});
const handoverSchema = z.object({ path: z.string(), target: ossTargetSchema, size: z.number(), sha1: z.string(), expires_at: z.number() });

/** What the uploads need from the provider: folders and what to do once a file is in place. */
export interface UploadPlace {
  remote: string;
  /** The id of the folder at a path, made when missing. */
  folderId(dir: string): Promise<string>;
  /**
   * Recycles other files of this name in the folder (unless the new one goes beside them) and
   * returns the landed file's entry.
   */
  settle(path: string, landed: { pickCode?: string; fileId?: string; size: number; sha1: string }, placement: Placement): Promise<Entry>;
  removeFile(fileId: string): Promise<void>;
}

/**
 * Uploads to 115 (web notes §4): every file starts with initupload and its SHA-1, which
 * is a rapid upload when 115 holds the bytes (status 2, after a proof challenge for bigger files,
 * status 7), and otherwise names the OSS object to upload to (status 1). A miss from
 * `tryRapid` hands that target over, so the streamed copy that follows does not ask again.
 */
export class P115Uploads {
  private readonly init: UploadInit;
  private readonly oss: Oss115;

  constructor(
    private readonly api: P115Api,
    private readonly place: UploadPlace,
  ) {
    this.init = new UploadInit(api);
    this.oss = new Oss115(api);
  }

  private where(path: string): string {
    return `${this.place.remote}:${path}`;
  }

  private checked(path: string): string {
    const p = normalizePath(path);
    if (p === '/') throw new BadInput(`${this.where(p)}: cannot upload to the root itself`);
    for (const part of p.split('/').slice(1)) checkName(part, this.where(path));
    return p;
  }

  private async initFor(p: string, size: number, sha1: string, readRange: InitRequest['readRange'], onChallenge?: InitRequest['onChallenge']): Promise<InitOutcome> {
    const cid = await this.place.folderId(parentPath(p));
    return this.init.init({ fileName: baseName(p), size, sha1, cid, readRange, ...(onChallenge ? { onChallenge } : {}) }, this.where(p));
  }

  async tryRapid(path: string, source: RapidSource, placement: Placement = {}): Promise<RapidResult> {
    const p = this.checked(path);
    const sha1 = (source.knownSha1 ?? (await source.sha1())).toLowerCase();
    const outcome = await this.initFor(p, source.size, sha1, (s, e) => source.readRange(s, e));
    if (outcome.kind === 'hit') {
      const entry = await this.place.settle(p, { size: source.size, sha1 }, placement);
      return { status: 'hit', entry };
    }
    const handover: P115Handover = { path: p, target: outcome.target, size: source.size, sha1, expires_at: Date.now() + HANDOVER_TTL_MS };
    return { status: 'miss', reason: '115 does not hold these bytes', handover };
  }

  private home(p: string, placement: Placement): UploadHome {
    return {
      oss: this.oss,
      where: this.where(p),
      landed: (file: Landed115) => this.place.settle(p, { pickCode: file.pickCode, fileId: file.fileId, size: file.size, sha1: file.sha1 }, placement),
      removeFile: (id) => this.place.removeFile(id),
    };
  }

  async begin(path: string, request: UploadRequest): Promise<UploadSession> {
    const p = this.checked(path);
    const partSize = partSizeFor(request.size, this.api.options.part_size);
    const placement: Placement = request.besideSameName ? { besideSameName: true } : {};
    const home = this.home(p, placement);
    const resume = request.resume;
    if (isP115UploadState(resume) && resume.size === request.size && (!request.sha1 || request.sha1.toLowerCase() === resume.sha1.toLowerCase())) {
      const resumed = await P115Upload.resume(home, resume);
      if (resumed) return resumed;
    }
    const sha1 = request.sha1?.toLowerCase();
    if (!sha1) {
      // No SHA-1, so no init yet: keep the bytes aside and land them in complete().
      return new SpoolUpload(partSize, request.size, this.where(p), (file, digest) => this.landFile(p, file, request.size, digest, partSize, placement));
    }
    const handover = handoverSchema.safeParse(resume);
    if (handover.success && handover.data.path === p && handover.data.size === request.size && handover.data.sha1 === sha1 && Date.now() < handover.data.expires_at) {
      return P115Upload.start(home, handover.data.target, request.size, sha1, partSize);
    }
    // No live handover (a stale one, a resume whose upload id is gone, or no rapid attempt before): init again.
    // If 115 holds the bytes it asks for proof, which only the parts can give: spool them then.
    let outcome: InitOutcome;
    try {
      outcome = await this.initFor(p, request.size, sha1, () => {
        throw new NeedsBytes();
      });
    } catch (err) {
      if (!(err instanceof NeedsBytes)) throw err;
      return new SpoolUpload(partSize, request.size, this.where(p), (file, digest) => this.landFile(p, file, request.size, digest, partSize, placement));
    }
    if (outcome.kind === 'hit') {
      const entry = await this.place.settle(p, { size: request.size, sha1 }, placement);
      return new LandedSession(partSize, request.size, entry);
    }
    return P115Upload.start(home, outcome.target, request.size, sha1, partSize);
  }

  /** Lands a spooled file: init (maybe a rapid hit), else a multipart upload read from the file. */
  private async landFile(p: string, file: string, size: number, sha1: string, partSize: number, placement: Placement): Promise<Entry> {
    const outcome = await this.initFor(p, size, sha1, (s, e) => readFileRange(file, s, e));
    if (outcome.kind === 'hit') return this.place.settle(p, { size, sha1 }, placement);
    const upload = await P115Upload.start(this.home(p, placement), outcome.target, size, sha1, partSize);
    try {
      for (let offset = 0, n = 1; offset < size; offset += partSize, n++) {
        await upload.putPart(n, await readFileRange(file, offset, Math.min(size, offset + partSize)), `${this.where(p)} (part ${n})`);
      }
      return await upload.complete({ sha1 });
    } catch (err) {
      await upload.abort().catch(() => {});
      throw err;
    }
  }
}

class NeedsBytes extends Error {}

/**
 * The session of a file 115 already held when the upload began (its init was a hit): the parts
 * the engine sends are read and dropped, and complete returns the entry.
 */
class LandedSession implements UploadSession {
  readonly needsSha1 = true;
  readonly offset = 0;
  constructor(
    readonly partSize: number,
    private readonly size: number,
    private readonly entry: Entry,
  ) {}
  state(): Record<string, unknown> {
    return {};
  }
  async writePart(part: Parameters<UploadSession['writePart']>[0]): Promise<void> {
    for await (const _ of part.data);
  }
  async complete(): Promise<Entry> {
    return { ...this.entry, size: this.size };
  }
  async abort(): Promise<void> {}
}
