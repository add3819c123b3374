import { ERR, m115EncodeResponse } from '@ferry/protocols';
import { type AuthedCall, apiError } from './context.js';
import { sendJson } from './http-io.js';
import { readM115Form } from './m115-form.js';

function pickCodesOf(value: unknown): string[] {
  return typeof value === 'string' ? value.split(',').filter(Boolean) : [];
}

/**
 * `POST /proapi/app/chrome/downurl`: m115 `{"pickcode": "a,b"}` -> m115 object keyed by file id.
 * The `t` query parameter is accepted and not checked (the notes know no check).
 */
export async function chromeDownurl(call: AuthedCall): Promise<void> {
  const decoded = await readM115Form(call);
  if (!decoded) return;
  const codes = pickCodesOf(decoded.payload['pickcode']);
  if (!codes.length) return sendJson(call.res, apiError(50001, '提取码不能为空。', { data: [] }));
  const ua = call.req.headers['user-agent'] ?? '';
  const out: Record<string, unknown> = {};
  const setCookie: string[] = [];
  for (const code of codes) {
    const node = call.tree.byPick(code);
    if (!node) return sendJson(call.res, apiError(ERR.pickCodeMissing, '很抱歉，该文件提取码不存在。', { data: [] }));
    const issued = node.isDir ? undefined : call.ctx.cdn.issue(call.tree, node, ua, call.ctx.cdn.cookieBound.app);
    if (issued?.setCookie) setCookie.push(issued.setCookie);
    out[node.id] = {
      file_name: node.name,
      file_size: String(node.size),
      pick_code: node.pickCode,
      sha1: node.sha1,
      url: issued ? { url: issued.url, client: 1, oss_id: `fhnfile/${node.sha1}`, desc: '', isp: 0 } : false,
    };
  }
  sendJson(call.res, { state: true, msg: '', errno: '', data: m115EncodeResponse(JSON.stringify(out), decoded.key, call.ctx.rsa) }, 200, setCookie);
}

/** `POST /proapi/android/2.0/ufile/download`: m115 `{"pick_code"}` -> m115 `{url, ...}`. */
export async function androidDownload(call: AuthedCall): Promise<void> {
  const decoded = await readM115Form(call);
  if (!decoded) return;
  const code = decoded.payload['pick_code'];
  const node = typeof code === 'string' ? call.tree.byPick(code) : undefined;
  if (!node) return sendJson(call.res, apiError(ERR.pickCodeMissing, '很抱歉，该文件提取码不存在。', { data: [] }));
  if (node.isDir) return sendJson(call.res, apiError(ERR.pickCodeMissing, '文件夹不能下载。', { data: [] }));
  const ua = call.req.headers['user-agent'] ?? '';
  const issued = call.ctx.cdn.issue(call.tree, node, ua, call.ctx.cdn.cookieBound.app);
  const plain = { url: issued.url, file_name: node.name, file_size: String(node.size), sha1: node.sha1, pick_code: node.pickCode };
  sendJson(call.res, { state: true, msg: '', errno: '', data: m115EncodeResponse(JSON.stringify(plain), decoded.key, call.ctx.rsa) }, 200, issued.setCookie ? [issued.setCookie] : []);
}
