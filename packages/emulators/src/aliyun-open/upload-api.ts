import {
  ALIYUN_MAX_PARTS,
  aliyunCompleteRequestSchema,
  aliyunCreateRequestSchema,
  aliyunListUploadedPartsRequestSchema,
  aliyunProofCode,
  aliyunUploadUrlRequestSchema,
} from '@ferry/protocols';
import { ApiError, invalidParameter } from './api-error.js';
import { checkFileName } from './names.js';
import { parseBody } from './parse.js';
import type { EmulatorState } from './state.js';
import { type StoredNode, fileObject } from './store.js';
import type { UploadSession } from './uploads.js';

function partUrl(state: EmulatorState, session: UploadSession, partNumber: number): string {
  const { node } = session;
  return state.signer.sign(
    state.base,
    'PUT',
    `/oss/upload/${node.drive_id}/${node.file_id}`,
    { partNumber: String(partNumber), uploadId: session.upload_id },
    state.config.partUrlTtlSec,
  );
}

function partInfos(state: EmulatorState, session: UploadSession, numbers: readonly number[]): unknown[] {
  return numbers.map((n) => ({ part_number: n, upload_url: partUrl(state, session, n), part_size: 0, content_type: '' }));
}

function createAnswer(node: StoredNode, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    drive_id: node.drive_id,
    file_id: node.file_id,
    parent_file_id: node.parent_file_id,
    file_name: node.name,
    type: node.type,
    status: node.status === 'available' ? 'available' : 'uploading',
    available: node.status === 'available',
    ...extra,
  };
}

/** part_info_list must number 1..N without gaps, N at most 10,000 (§7). */
function declaredParts(list: readonly { part_number: number }[] | undefined): number {
  const numbers = (list ?? []).map((p) => p.part_number);
  if (numbers.length > ALIYUN_MAX_PARTS || numbers.some((n, i) => n !== i + 1)) throw invalidParameter('PartInfoList');
  return numbers.length;
}

/**
 * openFile/create (§7, §8): folders, and files with the rapid-upload exchange. The order of the
 * checks is: name (refuse answers the holder), then pre_hash, then content_hash + proof_code,
 * then a normal upload session.
 */
export function create(state: EmulatorState, body: unknown, accessToken: string): unknown {
  const req = parseBody(aliyunCreateRequestSchema, body);
  const { store } = state;
  const parent = store.folder(req.drive_id, req.parent_file_id);
  checkFileName(req.name);
  const mode = req.check_name_mode ?? state.config.defaultCheckNameMode;
  const resolved = store.resolveName(req.drive_id, parent.file_id, req.name, mode);
  if (resolved.existing) {
    return createAnswer(resolved.existing, { exist: true, upload_id: '', rapid_upload: false });
  }

  if (req.type === 'folder') {
    const node = store.insert({ drive_id: req.drive_id, parent_file_id: parent.file_id, name: resolved.name, type: 'folder', status: 'available' });
    return createAnswer(node, { exist: false, upload_id: '' });
  }

  const parts = declaredParts(req.part_info_list);
  const hashing = req.pre_hash !== undefined || req.content_hash !== undefined;
  if (hashing && req.size === undefined) throw invalidParameter('Size');

  if (req.pre_hash !== undefined && req.size !== undefined && store.blobs.hasPreHash(req.size, req.pre_hash)) {
    state.stats.preHashMatches++;
    // 409 per one third-party client; SDKs and AList key on the code alone.
    throw new ApiError(409, 'PreHashMatched', 'Pre hash matched.', {
      file_name: req.name,
      parent_file_id: parent.file_id,
      pre_hash: req.pre_hash,
    });
  }

  if (req.content_hash !== undefined && req.size !== undefined && req.proof_code !== undefined) {
    const held = store.blobs.find(req.size, req.content_hash);
    if (held && aliyunProofCode(accessToken, held.read(0, held.size)) === req.proof_code) {
      state.stats.rapidHits++;
      const node = store.insert({ drive_id: req.drive_id, parent_file_id: parent.file_id, name: resolved.name, type: 'file', status: 'available', content: held });
      const session = state.uploads.open(node, 0, undefined, true);
      return createAnswer(node, { exist: false, upload_id: session.upload_id, rapid_upload: true, part_info_list: [] });
    }
    if (held) {
      state.stats.proofRejected++;
      if (state.config.wrongProof === 'error') throw new ApiError(400, 'InvalidRapidProof', 'upload watermark code error');
    }
  }

  const node = store.insert({ drive_id: req.drive_id, parent_file_id: parent.file_id, name: resolved.name, type: 'file', status: 'uploading' });
  const session = state.uploads.open(node, parts, req.content_hash);
  if (req.size !== undefined) session.declaredSize = req.size;
  const numbers = Array.from({ length: parts }, (_, i) => i + 1);
  return createAnswer(node, { exist: false, upload_id: session.upload_id, rapid_upload: false, part_info_list: partInfos(state, session, numbers) });
}

/** getUploadUrl: fresh presigned URLs for parts of an open session (§9.3). */
export function uploadUrl(state: EmulatorState, body: unknown): unknown {
  const req = parseBody(aliyunUploadUrlRequestSchema, body);
  const session = state.uploads.get(req.upload_id, req.file_id);
  if (session.done || session.node.drive_id !== req.drive_id) throw new ApiError(400, 'NotFound.UploadId', 'The upload session is finished.');
  const numbers = req.part_info_list.map((p) => p.part_number);
  if (numbers.some((n) => n < 1 || n > session.parts)) throw invalidParameter('PartInfoList');
  state.stats.uploadUrlRenewals++;
  return {
    drive_id: req.drive_id,
    file_id: req.file_id,
    upload_id: req.upload_id,
    created_at: new Date(state.now()).toISOString(),
    part_info_list: partInfos(state, session, numbers),
  };
}

export function listUploadedParts(state: EmulatorState, body: unknown): unknown {
  const req = parseBody(aliyunListUploadedPartsRequestSchema, body);
  const session = state.uploads.get(req.upload_id, req.file_id);
  const after = Number(req.part_number_marker ?? '0') || 0;
  const parts = [...session.received.entries()]
    .filter(([n]) => n > after)
    .sort(([a], [b]) => a - b)
    .map(([n, data]) => ({ part_number: n, part_size: data.length, etag: '' }));
  const page = parts.slice(0, state.config.uploadedPartsPage);
  const next = parts.length > page.length ? String(page[page.length - 1]!.part_number) : '';
  return { drive_id: req.drive_id, upload_id: req.upload_id, parallelUpload: false, uploaded_parts: page, next_part_number_marker: next };
}

/** complete: assembles the parts in order, checks size and declared SHA-1, lands the file (§9.4). */
export function complete(state: EmulatorState, body: unknown): unknown {
  const req = parseBody(aliyunCompleteRequestSchema, body);
  const session = state.uploads.get(req.upload_id, req.file_id);
  if (session.node.drive_id !== req.drive_id) throw new ApiError(400, 'NotFound.UploadId', 'The upload session is not in this drive.');
  if (!session.done) {
    const content = state.uploads.assemble(session);
    if (session.declaredSize !== undefined && session.declaredSize !== content.size) {
      throw new ApiError(400, 'InvalidParameter.Size', `The parts hold ${content.size} bytes, not the declared ${session.declaredSize}.`);
    }
    state.store.land(session.node, content);
    session.done = true;
    session.received.clear();
  }
  return fileObject(session.node);
}
