import type { P115EmulatorContext } from './context.js';
import { type Content, type Node, ROOT_ID, type UserTree } from './store.js';
import type { PendingUpload } from './upload-state.js';

/**
 * The 115 side of a finished OSS upload: what `uplb.115.com/3.0/completeupload.php` does when OSS
 * posts the callback (web notes §4.5). The OSS fake calls it in-process with the callback body
 * after `${…}` substitution, so the client's callback strings are exercised exactly as issued.
 */

/** `U_1_<cid>` -> cid; other areas (usershare `S_…`) are not emulated. */
export function parseTarget(target: string): string | undefined {
  const m = /^U_1_(\d+)$/.exec(target);
  return m ? m[1]! : undefined;
}

/** The folder `path` (p115client's optional relative folder) under `cid`, created as needed. */
export function folderUnder(tree: UserTree, cid: string, path: string): string {
  let id = cid;
  for (const part of path.split('/').filter(Boolean)) id = (tree.childFolder(id, part) ?? tree.addFolder(id, part)).id;
  return id;
}

/** 115's callback JSON (OpenList UploadResult shape). */
function callbackResult(node: Node): Record<string, unknown> {
  return {
    state: true,
    message: '',
    code: 0,
    data: {
      aid: 1,
      cid: node.parentId,
      file_id: node.id,
      file_name: node.name,
      file_size: node.size,
      is_video: 0,
      pick_code: node.pickCode,
      sha1: node.sha1,
      thumb_url: '',
    },
  };
}

export type LandResult = { ok: true; body: Record<string, unknown> } | { ok: false; why: string };

/**
 * Lands the stored bytes as the file init promised. The callback body must name a pending pick
 * code of that user and target, its `sha1` must be init's fileid, and the stored bytes' size and
 * SHA-1 must match init's filesize/fileid. Choice [?]: 115's real reaction to a mismatch or an
 * empty `sha1` is unknown; refusing it (OSS then answers 203 CallbackFailed) catches clients that
 * upload other bytes than they declared, or a multipart upload OSS computed no SHA-1 for.
 */
export function landUpload(ctx: P115EmulatorContext, body: URLSearchParams, bucket: string, object: string, content: Content, size: number, sha1: string): LandResult {
  const pickCode = body.get('pick_code') ?? '';
  const pending: PendingUpload | undefined = ctx.upload.pending.get(pickCode);
  if (!pending) return { ok: false, why: `pick_code '${pickCode}' is not a pending upload` };
  if (body.get('user_id') !== pending.userId) return { ok: false, why: 'user_id does not match the init' };
  if (body.get('target') !== `U_1_${pending.cid}`) return { ok: false, why: 'target does not match the init' };
  if (bucket !== pending.bucket || object !== pending.object) return { ok: false, why: `object ${bucket}/${object} is not the one init issued (${pending.bucket}/${pending.object})` };
  // What 115 learns of the content is the callback's sha1 (OSS's `${sha1}`), empty when OSS computed none.
  const told = (body.get('sha1') ?? '').toUpperCase();
  if (told !== pending.fileId) return { ok: false, why: told ? `callback sha1 ${told} is not the ${pending.fileId} init declared` : 'callback sha1 is empty' };
  if (size !== pending.fileSize) return { ok: false, why: `uploaded ${size} bytes, init declared ${pending.fileSize}` };
  if (sha1.toUpperCase() !== pending.fileId) return { ok: false, why: `uploaded SHA-1 ${sha1.toUpperCase()}, init declared ${pending.fileId}` };
  const tree = ctx.users.get(pending.userId);
  if (!tree) return { ok: false, why: 'user is gone' };
  // A folder deleted between init and upload: the file lands in the root ([?] real behaviour unknown).
  const cid = pending.cid === ROOT_ID || tree.isLiveFolder(pending.cid) ? pending.cid : ROOT_ID;
  const node = tree.addFile(cid, pending.fileName, content, size, sha1, pending.pickCode);
  ctx.upload.pending.delete(pickCode);
  ctx.upload.registerBlob(sha1, size, content);
  ctx.upload.stats.completed++;
  return { ok: true, body: callbackResult(node) };
}
