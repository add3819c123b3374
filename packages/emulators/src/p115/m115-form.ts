import { ERR, M115Error, m115DecodeRequest } from '@ferry/protocols';
import { type AuthedCall, apiError } from './context.js';
import { readForm, sendJson } from './http-io.js';

/** Decodes the m115 `data` field of a form; undefined (and a 990002 answer sent) when it does not decode. */
export async function readM115Form(call: AuthedCall): Promise<{ payload: Record<string, unknown>; key: Buffer } | undefined> {
  const form = await readForm(call.req);
  const data = form.get('data');
  try {
    if (!data) throw new M115Error('missing data');
    const { plain, key } = m115DecodeRequest(data, call.ctx.rsa);
    const payload = JSON.parse(plain.toString('utf8')) as unknown;
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new M115Error('not an object');
    return { payload: payload as Record<string, unknown>, key };
  } catch {
    sendJson(call.res, apiError(ERR.badParams, '参数错误', { data: [] }));
    return undefined;
  }
}
