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
import { handoverOf } from './upload.js';

/**
 * Sources this big and of unknown SHA-1 ask with pre_hash first; for smaller ones hashing costs
 * less than the extra call (the Android SDK's threshold).
 */
const PRE_HASH_MIN_BYTES = 500 * 1024;

/** Thrown from a body builder when the token changed after the proof was read for the old one. */
class StaleProof extends Error {}

/**
 * The rapid-upload exchange (§8). A source whose SHA-1 is known (listed by 115) goes straight to
 * one create with the SHA-1 and the proof bytes, 8 at an offset derived from the access token the
 * create carries (§8.2, point 3). A bigger source of unknown SHA-1 (local disk) first asks with
 * the pre_hash of its first KiB (§8.1): with no candidate the file is read once, by the streamed
 * copy, instead of once to hash it and again to send it. A miss hands the upload session its
 * create opened over to the streamed copy.
 */
export async function tryRapid(
  target: FileCreate & { dir: string },
  names: NamePolicy,
  source: RapidSource,
  partSize: number,
): Promise<RapidResult> {
  const { size } = source;
  const parts = size === 0 ? 0 : Math.ceil(size / partSize);
  const partList = aliyunPartNumbers(1, parts);
  const handover = (created: AliyunCreateResponse) => handoverOf(target, names, created, size, partSize, parts);
  if (source.knownSha1 === undefined && size >= PRE_HASH_MIN_BYTES) {
    const head = await source.readRange(0, Math.min(size, ALIYUN_PRE_HASH_BYTES));
    try {
      const created = await createFile(target, names, { size, pre_hash: aliyunPreHash(head), part_info_list: partList });
      return { status: 'miss', reason: 'the service holds no file that starts like this one', handover: handover(created) };
    } catch (err) {
      if (apiCode(err) !== 'PreHashMatched') throw err;
    }
  }
  const sha1 = await source.sha1();
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
      if (apiCode(err) === 'InvalidRapidProof') return { status: 'miss', reason: 'the service refused the proof' };
      throw err;
    }
    if (!created.rapid_upload) {
      return { status: 'miss', reason: 'the service did not accept the proof', handover: handover(created) };
    }
    // The SDKs differ on completing a rapid upload; AList and iOS do, and the service accepts it.
    const file = await target.api.call(
      ALIYUN_PATHS.complete,
      { drive_id: target.driveId, file_id: created.file_id, upload_id: created.upload_id ?? '' },
      aliyunFileSchema,
      target.where,
    );
    await trashReplaced(target, names, file.file_id);
    return { status: 'hit', entry: toEntry(joinRemote(target.dir, file.name), file) };
  }
}
