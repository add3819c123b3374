import { BadInput, NotFound, TransientError } from '@ferry/core';
import { m115DecodeResponse, m115EncodeRequest, m115Envelope, rsaPublicKey } from '@ferry/protocols';
import { type P115Api, failureIn } from '../p115/api.js';
import { type CdnUrl, replyCookie } from '../p115/download.js';
import { downurlError, downurlOf } from './downurl-reply.js';
import { type ShareRef, checkMargin } from './snap.js';

const ENDPOINT = '/app/share/downurl';

/**
 * `POST proapi/app/share/downurl?t=<unix s>` (share notes §5.1, app variant, no size limit): form
 * field `data` = m115(JSON {share_code, receive_code, file_id}) with the account's rsa_n/rsa_e
 * (115's key unless an emulator's is configured, as for the chrome download of one's own files);
 * the reply's `data` is m115 too (5.4). 115driver sends a JSON Accept and no Referer; the cookie
 * and User-Agent are the account's, so the URL is bound to the UA the reads send; a cookie the
 * reply sets goes with the URL.
 */
export function appDownurl(api: P115Api, share: ShareRef, account: string): (fileId: string, where: string) => Promise<CdnUrl> {
  const pub = rsaPublicKey(api.options.rsa_n, api.options.rsa_e);
  return async (fileId, where) => {
    const payload = { share_code: share.share_code, receive_code: share.receive_code, file_id: fileId };
    const { data, key } = m115EncodeRequest(JSON.stringify(payload), pub);
    const cookie = replyCookie();
    const json = await api.callRaw('proapi', ENDPOINT, {
      query: { t: Math.floor(Date.now() / 1000) },
      form: new URLSearchParams({ data }),
      headers: { accept: 'application/json;charset=UTF-8' },
      ...cookie.options,
    });
    checkMargin(json, where);
    const failure = failureIn(json);
    if (failure) throw downurlError(api, failure, share, account, where);
    const envelope = m115Envelope.safeParse(json);
    if (!envelope.success) throw new TransientError(`${where}: unexpected reply from 115 ${ENDPOINT}`);
    if (envelope.data.data === '') throw new NotFound(`${where}: 115 gives no download URL for it (a folder, or no longer in the share)`);
    let decoded: unknown;
    try {
      decoded = JSON.parse(m115DecodeResponse(envelope.data.data, key, pub).toString('utf8'));
    } catch (err) {
      throw new BadInput(`${where}: cannot decode 115's share download reply (is rsa_n right on remote '${account}'?)`, { cause: err });
    }
    return cookie.with(downurlOf(decoded, where, ENDPOINT));
  };
}
