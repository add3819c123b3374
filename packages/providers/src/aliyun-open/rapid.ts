import type { RapidResult, RapidSource } from '@ferry/core';
import {
  ALIYUN_PATHS,
  type AliyunCreateResponse,
  aliyunFileSchema,
  aliyunPartNumbers,
  aliyunProofRange,
  encodeAliyunProof,
} from '@ferry/protocols';
import { type FileCreate, type NamePolicy, createFile, trashReplaced } from './create-file.js';
import { apiCode } from './errors.js';
import { joinRemote, toEntry } from './tree.js';

/** A create answered while trying: an open upload session the streamed copy can use. */
export interface OpenSession {
  created: AliyunCreateResponse;
  size: number;
  partSize: number;
  parts: number;
  names: NamePolicy;
}

/** Thrown from a body builder when the token changed after the proof was read for the old one. */
class StaleProof extends Error {}

/**
 * The rapid-upload exchange (§8): one create with the full SHA-1 and the proof bytes, 8 at an
 * offset derived from the access token the create carries. The engine always knows the SHA-1
 * before it asks (listed by 115, or computed), so the pre_hash round (§8.1), which only spares
 * hashing a file that has no candidate, would cost a call and a KiB read for nothing; clients
 * may skip it (§8.2, point 3). The source is asked for 8 bytes, never the file. A miss leaves an
 * upload session open for the streamed copy.
 */
export async function tryRapid(
  target: FileCreate & { dir: string },
  names: NamePolicy,
  source: RapidSource,
  partSize: number,
): Promise<{ result: RapidResult; open?: OpenSession }> {
  const { size, sha1 } = source;
  const parts = size === 0 ? 0 : Math.ceil(size / partSize);
  const partList = aliyunPartNumbers(1, parts);
  let token = await target.api.token();
  for (;;) {
    const range = aliyunProofRange(token, size);
    const proof = encodeAliyunProof(await source.readRange(range.start, range.end));
    const proofToken = token;
    let created: AliyunCreateResponse;
    try {
      created = await createFile(target, names, (sent) => {
        if (sent !== proofToken) {
          token = sent;
          throw new StaleProof();
        }
        return {
          size,
          content_hash: sha1.toUpperCase(),
          content_hash_name: 'sha1',
          proof_code: proof,
          proof_version: 'v1',
          part_info_list: partList,
        };
      });
    } catch (err) {
      if (err instanceof StaleProof) continue;
      if (apiCode(err) === 'InvalidRapidProof') return { result: { status: 'miss', reason: 'the service refused the proof' } };
      throw err;
    }
    if (!created.rapid_upload) {
      return { result: { status: 'miss', reason: 'the service did not accept the proof' }, open: { created, size, partSize, parts, names } };
    }
    // The SDKs differ on completing a rapid upload; AList and iOS do, and the service accepts it.
    const file = await target.api.call(
      ALIYUN_PATHS.complete,
      { drive_id: target.driveId, file_id: created.file_id, upload_id: created.upload_id ?? '' },
      aliyunFileSchema,
      target.where,
    );
    await trashReplaced(target, names, file.file_id);
    return { result: { status: 'hit', entry: toEntry(joinRemote(target.dir, file.name), file) } };
  }
}
