import { BadInput, IntegrityError, TransientError } from '@ferry/core';
import {
  INIT_UPLOAD_STATUS,
  type InitUpload115,
  type KEcCipher,
  KEcError,
  createKEcClient,
  encodeInitUploadForm,
  encodeKEcToken,
  initUpload115,
  initUploadCallback115,
  initUploadFailed,
  kEcDecryptResponse,
  kEcEncryptRequest,
  p115SignVal,
  parseSignCheck,
  signCheckReadRange,
  uploadInfo115,
} from '@ferry/protocols';
import { type P115Api, failureIn } from './api.js';
import { uplbCall } from './upload-uplb.js';

/** Where an OSS upload of a file that 115 does not hold goes: what initupload status 1 names. */
export interface OssTarget {
  bucket: string;
  object: string;
  /** The two JSON strings exactly as issued; sent Base64'd as the OSS callback headers. */
  callback: string;
  callback_var: string;
  pickcode?: string;
}

/**
 * A hit carries no pick code: the one initupload answers is not the landed file's ("this pickcode
 * is not the same as for downloading!", wiserain/rclone), so the file is found by listing.
 */
export type InitOutcome = { kind: 'hit' } | { kind: 'upload'; target: OssTarget };

export interface InitRequest {
  fileName: string;
  size: number;
  /** Any case; sent upper-case. */
  sha1: string;
  cid: string;
  /** Bytes [start, end) of the file, for the challenge (status 7). */
  readRange(start: number, end: number): Promise<Buffer>;
  /** Called with the challenge's range (inclusive ends), so callers and tests can see what was asked. */
  onChallenge?(range: { start: number; end: number }): void;
}

/** Challenges answered before giving up: 115 asks once; a second one means the proof was refused. */
const MAX_CHALLENGES = 3;

/**
 * `POST uplb/4.0/initupload.php?k_ec=…` (web notes §4.3, 4.4): the rapid-upload attempt that every
 * 115 upload starts with. The userkey (for `sig`) is fetched once per account. Status 2 is a hit;
 * 7 is a challenge answered from the file's bytes; 1 names the OSS bucket, object and callback.
 */
export class UploadInit {
  private userKey: Promise<string> | undefined;
  private readonly serverKey: Buffer;

  constructor(private readonly api: P115Api) {
    const hex = api.options.ecdh_pub;
    this.serverKey = Buffer.from(hex.length === 112 ? `04${hex}` : hex, 'hex');
  }

  private key(): Promise<string> {
    this.userKey ??= this.api.call('webapi', '/files/uploadinfo', uploadInfo115).then(
      (info) => info.userkey,
      (err: unknown) => {
        this.userKey = undefined;
        throw err;
      },
    );
    return this.userKey;
  }

  async init(req: InitRequest, where: string): Promise<InitOutcome> {
    const userKey = await this.key();
    const fileId = req.sha1.toUpperCase();
    let sign: { signKey: string; signVal: string } | undefined;
    for (let round = 0; ; round++) {
      const reply = await this.send(
        {
          appVersion: this.api.options.app_version,
          userId: this.api.userId,
          userKey,
          fileName: req.fileName,
          fileSize: req.size,
          fileId,
          cid: req.cid,
          t: Date.now(),
          ...(sign ?? {}),
        },
        where,
      );
      if (initUploadFailed(reply) || reply.status === INIT_UPLOAD_STATUS.signFailed || reply.status === INIT_UPLOAD_STATUS.failedAfterSign) {
        // A refused sig may come from a userkey 115 no longer holds: the next upload fetches it again.
        if (reply.status === INIT_UPLOAD_STATUS.refused) this.userKey = undefined;
        throw initFailure(reply, where);
      }
      if (reply.status === INIT_UPLOAD_STATUS.done) return { kind: 'hit' };
      if (reply.status === INIT_UPLOAD_STATUS.challenge) {
        if (round >= MAX_CHALLENGES) throw new IntegrityError(`${where}: 115 keeps asking for proof bytes; its last sign_check was ${reply.sign_check}`);
        if (!reply.sign_key || !reply.sign_check) throw new TransientError(`${where}: 115's challenge came without sign_key/sign_check`);
        const range = parseSignCheck(reply.sign_check, req.size);
        req.onChallenge?.(range);
        const { offset, length } = signCheckReadRange(range);
        const bytes = await req.readRange(offset, offset + length);
        sign = { signKey: reply.sign_key, signVal: p115SignVal(bytes, range) };
        continue;
      }
      if (reply.status === INIT_UPLOAD_STATUS.upload) {
        const cb = initUploadCallback115.safeParse(reply.callback);
        if (!reply.bucket || !reply.object || !cb.success) throw new TransientError(`${where}: 115 asked for an upload but named no bucket, object or callback`);
        return {
          kind: 'upload',
          target: {
            bucket: reply.bucket,
            object: reply.object,
            callback: cb.data.callback,
            callback_var: cb.data.callback_var,
            ...(reply.pickcode ? { pickcode: reply.pickcode } : {}),
          },
        };
      }
      throw new TransientError(`${where}: 115's upload init answered status ${reply.status} (${reply.statuscode ?? ''} ${reply.statusmsg ?? ''})`);
    }
  }

  private async send(input: Parameters<typeof encodeInitUploadForm>[0], where: string): Promise<InitUpload115> {
    const client = createKEcClient(this.serverKey);
    const token = encodeKEcToken(client.publicBlob, Date.now());
    const body = kEcEncryptRequest(client, encodeInitUploadForm(input));
    // encodeURIComponent, not URLSearchParams: a '+' in Base64 must stay a '+', not become a space.
    const reply = await uplbCall(this.api, '/4.0/initupload.php', { query: `k_ec=${encodeURIComponent(token)}`, body });
    const json = initReplyJson(client, reply.body, reply.status, where);
    const parsed = initUpload115.safeParse(json);
    if (!parsed.success) throw new TransientError(`${where}: unexpected upload init reply from 115: ${parsed.error.issues[0]?.message ?? 'bad shape'}`);
    return parsed.data;
  }
}

function initFailure(reply: InitUpload115, where: string): Error {
  const code = reply.statuscode;
  const msg = `${code ?? ''} ${reply.statusmsg ?? ''}`.trim();
  if (code === 400) return new BadInput(`${where}: 115 refused the upload signature (sig: ${msg}); check app_version and the account's userkey`);
  if (code === 402) return new BadInput(`${where}: 115 refused the upload (userid/filesize/target/pickcode: ${msg})`);
  if (reply.status === INIT_UPLOAD_STATUS.signFailed || code === 702) return new IntegrityError(`${where}: 115 refused the proof bytes (sign_val: ${msg})`);
  // `status: false` is a refusal, not a hiccup: asking again gets the same answer.
  if (reply.status === INIT_UPLOAD_STATUS.refused) return new BadInput(`${where}: 115 refused the upload (${msg || 'no reason given'}); check app_version and log in again`);
  return new TransientError(`${where}: 115's upload init failed (status ${reply.status}, ${msg})`);
}

/**
 * The JSON an init reply carries. A request 115 could not decrypt comes back as plain JSON rather
 * than an envelope; an envelope is ciphertext, whose first byte is '{' one time in 256, so only a
 * reply that parses as a JSON object counts as plain.
 */
export function initReplyJson(client: KEcCipher, body: Buffer, httpStatus: number, where: string): unknown {
  const plain = parseJson(body.toString('utf8'));
  if (typeof plain === 'object' && plain !== null) {
    const failure = failureIn(plain);
    if (failure) {
      throw new BadInput(`${where}: 115 could not read the encrypted upload init (${failure.code ?? ''} ${failure.text}); check ecdh_pub`.replace(/\( /, '('));
    }
    return plain;
  }
  try {
    return JSON.parse(kEcDecryptResponse(client, body).toString('utf8')) as unknown;
  } catch (err) {
    const why = err instanceof KEcError ? err.message : (err as Error).message;
    // A reply that does not decrypt was encrypted for a secret other than ours: the server's
    // key is not the one configured.
    throw new BadInput(`${where}: cannot read 115's upload init reply (HTTP ${httpStatus}, ${why}); check ecdh_pub`);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
