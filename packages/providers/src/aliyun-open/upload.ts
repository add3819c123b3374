import { Readable } from 'node:stream';
import {
  type Entry,
  IntegrityError,
  NotFound,
  TransientError,
  type UploadPart,
  type UploadSession,
  type UploadState,
} from '@ferry/core';
import {
  ALIYUN_PATHS,
  type AliyunCreateResponse,
  type AliyunPartInfo,
  aliyunCreateResponseSchema,
  aliyunFileRefResponseSchema,
  aliyunFileSchema,
  aliyunListUploadedPartsResponseSchema,
  aliyunPartNumbers,
  aliyunUploadUrlResponseSchema,
} from '@ferry/protocols';
import { z } from 'zod';
import { request } from '../http/undici.js';
import type { AliyunOpenApi } from './api.js';
import { type FileCreate, type NamePolicy, trashReplaced } from './create-file.js';
import { apiCode, networkError } from './errors.js';
import { joinRemote, toEntry } from './tree.js';

/** What a checkpoint keeps so any process can continue the upload. */
export interface AliyunOpenUploadState extends UploadState {
  drive_id: string;
  file_id: string;
  upload_id: string;
  part_size: number;
  parts: number;
  /** Parts 1..done are on the server. */
  done: number;
  replaces?: string;
}

export function isAliyunOpenUploadState(s: UploadState | undefined): s is AliyunOpenUploadState {
  return (
    !!s &&
    typeof s.drive_id === 'string' &&
    typeof s.file_id === 'string' &&
    typeof s.upload_id === 'string' &&
    typeof s.part_size === 'number' &&
    typeof s.parts === 'number' &&
    typeof s.done === 'number'
  );
}

/**
 * How long the session a rapid miss hands over is used: no public source gives an upload
 * session's lifetime, so Ferry's choice [?] drops an older handover for a fresh create.
 */
const HANDOVER_TTL_MS = 10 * 60_000;
/**
 * Part URLs of the create that travel with a handover: a file of a few parts is copied without
 * asking for URLs again, and a bigger one renews the rest as a resumed upload does, keeping the
 * state small enough for a checkpoint.
 */
const HANDOVER_URLS = 8;

const handoverSchema = z.object({
  /** The file the create was for, as the provider checked it. */
  path: z.string(),
  drive_id: z.string(),
  created: aliyunCreateResponseSchema,
  size: z.number(),
  part_size: z.number(),
  parts: z.number(),
  replaces: z.string().optional(),
  /** Milliseconds since the epoch. */
  expires_at: z.number(),
});
/** The session a rapid-upload miss's create opened, handed to the streamed copy (core's RapidResult). */
export type AliyunHandover = z.infer<typeof handoverSchema>;

export function handoverOf(
  target: FileCreate & { dir: string },
  names: NamePolicy,
  created: AliyunCreateResponse,
  size: number,
  partSize: number,
  parts: number,
): AliyunHandover {
  return {
    path: joinRemote(target.dir, target.name),
    drive_id: target.driveId,
    created: { ...created, ...(created.part_info_list ? { part_info_list: created.part_info_list.slice(0, HANDOVER_URLS) } : {}) },
    size,
    part_size: partSize,
    parts,
    ...(names.replaces ? { replaces: names.replaces } : {}),
    expires_at: Date.now() + HANDOVER_TTL_MS,
  };
}

/** A handover in `state`, fresh or stale; undefined when `state` is something else. */
export function handoverIn(state: UploadState | undefined): AliyunHandover | undefined {
  const parsed = handoverSchema.safeParse(state);
  return parsed.success ? parsed.data : undefined;
}

interface PartUrl {
  url: string;
  expiresAt: number;
  receivedAt: number;
}

/** URLs asked for at once when renewing: enough for a long run of parts, small enough to answer fast. */
const RENEW_WINDOW = 1000;

/**
 * A multipart upload: parts PUT in order to presigned URLs with their exact Content-Length and no
 * Content-Type (the URL is signed without one). URLs near their expiry are renewed before use;
 * one that expires in flight fails the part as temporary, and the engine resumes from the last
 * checkpoint, where `resume` asks for fresh URLs.
 */
export class AliyunOpenUpload implements UploadSession {
  readonly needsSha1 = true;
  private readonly urls = new Map<number, PartUrl>();

  constructor(
    private readonly target: FileCreate & { dir: string },
    private readonly names: NamePolicy,
    private readonly size: number,
    readonly partSize: number,
    private readonly session: { file_id: string; upload_id: string; parts: number },
    private done: number,
  ) {}

  get offset(): number {
    return Math.min(this.size, this.done * this.partSize);
  }

  /** A session from a create answer (fresh, or the one a rapid-upload miss left open). */
  static fromCreate(target: FileCreate & { dir: string }, names: NamePolicy, size: number, partSize: number, created: AliyunCreateResponse, parts: number): AliyunOpenUpload {
    if (!created.upload_id) throw new TransientError(`${target.where}: the create answered no upload_id`);
    const upload = new AliyunOpenUpload(target, names, size, partSize, { file_id: created.file_id, upload_id: created.upload_id, parts }, 0);
    upload.remember(created.part_info_list ?? []);
    return upload;
  }

  /** The session a rapid miss handed over, before any part was sent. */
  static fromHandover(target: FileCreate & { dir: string }, names: NamePolicy, handover: AliyunHandover): AliyunOpenUpload {
    if (handover.replaces) names.replaces = handover.replaces;
    return AliyunOpenUpload.fromCreate(target, names, handover.size, handover.part_size, handover.created, handover.parts);
  }

  /**
   * A session continued from a checkpoint, if the service still holds it with at least the parts
   * the checkpoint counts; undefined means start over.
   */
  static async resume(target: FileCreate & { dir: string }, names: NamePolicy, size: number, state: AliyunOpenUploadState): Promise<AliyunOpenUpload | undefined> {
    const held = new Set<number>();
    try {
      // The reply pages: `next_part_number_marker` is empty on the last page (tickstep
      // FileUploadListUploadedPartsResult).
      let marker = '';
      do {
        const page = await target.api.call(
          ALIYUN_PATHS.listUploadedParts,
          { drive_id: target.driveId, file_id: state.file_id, upload_id: state.upload_id, ...(marker ? { part_number_marker: marker } : {}) },
          aliyunListUploadedPartsResponseSchema,
          target.where,
        );
        for (const p of page.uploaded_parts) held.add(p.part_number);
        marker = page.uploaded_parts.length > 0 ? (page.next_part_number_marker ?? '') : '';
      } while (marker);
    } catch (err) {
      if (err instanceof NotFound || apiCode(err) === 'NotFound.UploadId') return undefined;
      throw err;
    }
    let prefix = 0;
    while (held.has(prefix + 1)) prefix++;
    if (prefix < state.done) return undefined;
    if (state.replaces) names.replaces = state.replaces;
    const upload = new AliyunOpenUpload(target, names, size, state.part_size, { file_id: state.file_id, upload_id: state.upload_id, parts: state.parts }, state.done);
    if (state.done < state.parts) await upload.renew(state.done + 1);
    return upload;
  }

  state(): AliyunOpenUploadState {
    return {
      drive_id: this.target.driveId,
      file_id: this.session.file_id,
      upload_id: this.session.upload_id,
      part_size: this.partSize,
      parts: this.session.parts,
      done: this.done,
      ...(this.names.replaces ? { replaces: this.names.replaces } : {}),
    };
  }

  private remember(infos: readonly AliyunPartInfo[]): void {
    const receivedAt = Date.now();
    for (const info of infos) {
      const expires = Number(new URL(info.upload_url).searchParams.get('x-oss-expires'));
      this.urls.set(info.part_number, {
        url: info.upload_url,
        // Without an x-oss-expires the Android SDK's one hour is assumed.
        expiresAt: Number.isFinite(expires) && expires > 0 ? expires * 1000 : receivedAt + 3_600_000,
        receivedAt,
      });
    }
  }

  private async renew(from: number): Promise<void> {
    const to = Math.min(this.session.parts, from + RENEW_WINDOW - 1);
    const answer = await this.target.api.call(
      ALIYUN_PATHS.uploadUrl,
      { drive_id: this.target.driveId, file_id: this.session.file_id, upload_id: this.session.upload_id, part_info_list: aliyunPartNumbers(from, to) },
      aliyunUploadUrlResponseSchema,
      this.target.where,
    );
    this.remember(answer.part_info_list);
  }

  /** A URL for the part that will not expire on the way: renewed once it is in its last fifth (AList renews at 50 of 60 minutes). */
  private async urlFor(partNumber: number): Promise<string> {
    let known = this.urls.get(partNumber);
    const stale = (u: PartUrl) => Date.now() >= u.expiresAt - Math.min(300_000, Math.max(0, u.expiresAt - u.receivedAt) / 5);
    if (!known || stale(known)) {
      await this.renew(partNumber);
      known = this.urls.get(partNumber);
    }
    if (!known) throw new TransientError(`${this.target.where}: no upload URL for part ${partNumber}`);
    return known.url;
  }

  async writePart(part: UploadPart): Promise<void> {
    const partNumber = part.index + 1;
    const where = `${this.target.where} (part ${partNumber}/${this.session.parts})`;
    if (part.index !== this.done) throw new TransientError(`${where}: parts must be sent in order; expected part ${this.done + 1}`);
    const url = await this.urlFor(partNumber);
    let status: number;
    let text: string;
    try {
      const res = await request(url, { method: 'PUT', body: part.data, headers: { 'content-length': String(part.length) } });
      status = res.statusCode;
      text = await res.body.text();
    } catch (err) {
      throw networkError(err, where);
    }
    // 409: the part is already there (a retry after a lost answer); every client counts it as done.
    if (status !== 200 && status !== 409) {
      await drain(part.data);
      if (status === 403) this.urls.clear();
      const reason = status === 403 && text.includes('expired') ? 'the part URL expired' : `the upload answered ${status}`;
      throw new TransientError(`${where}: ${reason}; the retry resumes from the last finished part`);
    }
    await drain(part.data);
    this.done = partNumber;
  }

  async complete(final: { sha1?: string }): Promise<Entry> {
    const { api, driveId, where } = this.target;
    const file = await api.call(
      ALIYUN_PATHS.complete,
      { drive_id: driveId, file_id: this.session.file_id, upload_id: this.session.upload_id },
      aliyunFileSchema,
      where,
    );
    const landed = file.content_hash?.toLowerCase();
    if ((final.sha1 && landed !== final.sha1) || (file.size ?? 0) !== this.size) {
      await this.abort();
      throw new IntegrityError(
        `${where}: the file that landed (${file.size ?? 0} bytes, SHA-1 ${landed ?? 'none'}) differs from what was sent (${this.size} bytes, SHA-1 ${final.sha1 ?? 'unknown'}); it was removed`,
      );
    }
    await trashReplaced(this.target, this.names, file.file_id);
    return toEntry(joinRemote(this.target.dir, file.name), file);
  }

  async abort(): Promise<void> {
    await dropUpload(this.target.api, this.target.driveId, this.session.file_id, this.target.where);
  }
}

/** Deletes the file an upload session was creating: nothing of it remains. */
export async function dropUpload(api: AliyunOpenApi, driveId: string, fileId: string, where: string): Promise<void> {
  try {
    await api.call(ALIYUN_PATHS.delete, { drive_id: driveId, file_id: fileId }, aliyunFileRefResponseSchema, where);
  } catch (err) {
    if (!(err instanceof NotFound)) throw err;
  }
}

/** Reads what the request left of a part, so the engine's hash sees every byte of it. */
async function drain(data: Readable): Promise<void> {
  if (data.readableEnded || data.destroyed) return;
  for await (const _ of data);
}
