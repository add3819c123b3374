import { ERR, m115EncodeResponse } from '@ferry/protocols';
import { z } from 'zod';
import { type AuthedCall, apiError } from './context.js';
import { sendJson } from './http-io.js';
import { readM115Form } from './m115-form.js';
import { SHARE_ERR, notReadable, numberEncoder, openShare } from './share-access.js';
import type { Share, SnapNode } from './shares.js';

/**
 * Download URLs of shared files (share notes §5): the web variant (plain JSON, capped at 200 MB) and
 * the encrypted app variant (m115, no cap). Both run the same share checks and answer the same
 * `data` (5.2); only the envelope and the cap differ.
 */

/**
 * The web variant's size cap (share notes §5.1 and quirk 9.7: p115client's "max 200 MB file"; larger
 * files need the app variant). On by default so clients meet it as they would on 115; the
 * share notes say "MB", the emulator reads it as MiB (the client switches on 50028 either way).
 */
const DEFAULT_WEB_DOWNURL_MAX_BYTES = 200 * 1024 * 1024;

interface Asked {
  shareCode: string;
  receiveCode: string | null;
  fileId: string;
}

type Resolved = { ok: true; share: Share; node: SnapNode } | { ok: false; body: Record<string, unknown> };

/**
 * Login is checked by the route table (errno 99); then the share (codes, states: share notes §10)
 * and the file id, which must name an item of this share.
 */
function resolve(call: AuthedCall, asked: Asked): Resolved {
  const opened = openShare(call.ctx, asked.shareCode, asked.receiveCode, call.session.userId);
  if (!opened.ok) return opened;
  const refused = notReadable(opened, 'download');
  if (refused) return { ok: false, body: refused };
  const node = opened.share.nodes.get(asked.fileId);
  if (!node) return { ok: false, body: apiError(SHARE_ERR.itemMissing, '文件不存在或已删除') };
  return { ok: true, share: opened.share, node };
}

/**
 * `data` of share notes §5.2: a folder answers `url: false`; a file's URL is bound to the caller's UA,
 * and when `cookieBound` to the cookie whose Set-Cookie line comes back beside the data.
 */
function downurlData(call: AuthedCall, share: Share, node: SnapNode, cookieBound: boolean): { data: Record<string, unknown>; setCookie: string[] } {
  const n = numberEncoder(call.ctx, share);
  if (node.isDir) return { data: { fid: node.id, fn: node.name, fs: n(0), url: false }, setCookie: [] };
  const issued = call.ctx.cdn.issueSnapshot(call.session.userId, node, call.req.headers['user-agent'] ?? '', cookieBound);
  return {
    data: {
      fid: node.id,
      fn: node.name,
      fs: n(node.size),
      sha1: node.sha1,
      url: { url: issued.url, client: 1, desc: '', isp: 0, oss_id: `fhnfile/${node.sha1}`, ooid: '' },
    },
    setCookie: issued.setCookie ? [issued.setCookie] : [],
  };
}

/** The cap in force: the option when given (false: none), else the share notes' 200 MB. */
function webCap(call: AuthedCall): number | undefined {
  const max = call.ctx.shareOptions.downurlMaxBytes;
  if (max === false) return undefined;
  return max ?? DEFAULT_WEB_DOWNURL_MAX_BYTES;
}

/**
 * `GET /webapi/share/downurl?share_code&receive_code&file_id&dl` (share notes §5.1 web variant):
 * login required (the route table answers 99 otherwise); files over the cap answer 50028.
 */
export function shareDownurl(call: AuthedCall): void {
  call.ctx.shares.downurls.web++;
  const q = call.url.searchParams;
  const found = resolve(call, { shareCode: q.get('share_code') ?? '', receiveCode: q.get('receive_code'), fileId: q.get('file_id') ?? '' });
  if (!found.ok) return sendJson(call.res, found.body);
  const { share, node } = found;
  const max = webCap(call);
  if (!node.isDir && max !== undefined && node.size > max) return sendJson(call.res, apiError(SHARE_ERR.tooBig, '文件大小超出限制，请使用客户端下载'));
  const { data, setCookie } = downurlData(call, share, node, call.ctx.cdn.cookieBound.web);
  sendJson(call.res, { state: true, error: '', errno: 0, data }, 200, setCookie);
}

/**
 * p115client sends ids as JSON numbers, 115driver as strings; both read as decimal text. (A number
 * past 2^53 is already rounded by JSON.parse: such a client meets 50015 here, not on 115.)
 */
const idText = z.union([z.string(), z.number().int().nonnegative()]).transform(String);

/** The decoded m115 payload of the app variant (share notes §5.1): what a client sends, loosely typed. */
const appPayload = z.looseObject({
  share_code: idText.optional(),
  receive_code: idText.optional(),
  file_id: idText.optional(),
});

/**
 * `POST /proapi/app/share/downurl?t=<unix s>` with form `data=<m115 JSON {share_code,
 * receive_code, file_id}>` (share notes §5.1 app variant): the same checks as the web variant but no
 * size cap; the answer's `data` is the 5.2 object, m115-encoded with the emulator's RSA key for
 * the key the request carried. Errors are plain JSON, as on the other m115 routes. `t` is
 * accepted and not checked (the notes know no check).
 */
export async function shareDownurlApp(call: AuthedCall): Promise<void> {
  call.ctx.shares.downurls.app++;
  const decoded = await readM115Form(call);
  if (!decoded) return;
  const payload = appPayload.safeParse(decoded.payload);
  if (!payload.success) return sendJson(call.res, apiError(ERR.badParams, '参数错误', { data: [] }));
  const { share_code = '', receive_code, file_id = '' } = payload.data;
  const found = resolve(call, { shareCode: share_code, receiveCode: receive_code ?? null, fileId: file_id });
  if (!found.ok) return sendJson(call.res, found.body);
  const { data, setCookie } = downurlData(call, found.share, found.node, call.ctx.cdn.cookieBound.app);
  sendJson(call.res, { state: true, msg: '', errno: '', data: m115EncodeResponse(JSON.stringify(data), decoded.key, call.ctx.rsa) }, 200, setCookie);
}
