import type { RapidResult, RapidSource } from '@ferry/core';
import {
  ALIYUN_PATHS,
  ALIYUN_PRE_HASH_BYTES,
  type AliyunCreateResponse,
  aliyunFileSchema,
  aliyunPartNumbers,
  aliyunPreHash,
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
 * The rapid-upload exchange (§8): create with pre_hash (the SHA-1 of the first KiB); only when the
 * service answers PreHashMatched, create again with the full SHA-1 and the proof bytes, 8 at an
 * offset derived from the access token the create carries. The source is asked for 1 KiB and
 * 8 bytes, never the file. A miss leaves an upload session open for the streamed copy.
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
  const head = await source.readRange(0, Math.min(ALIYUN_PRE_HASH_BYTES, size));
  try {
    const created = await createFile(target, names, { size, pre_hash: aliyunPreHash(head), part_info_list: partList });
    return { result: { status: 'miss', reason: 'no stored file starts with the same KiB' }, open: { created, size, partSize, parts, names } };
  } catch (err) {
    if (apiCode(err) !== 'PreHashMatched') throw err;
  }

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
