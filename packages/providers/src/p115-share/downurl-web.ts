import { TransientError } from '@ferry/core';
import { SHARE_ERR, shareDownurl115 } from '@ferry/protocols';
import { type P115Api, failureIn } from '../p115/api.js';
import { type CdnUrl, replyCookie } from '../p115/download.js';
import { downurlError, downurlOf } from './downurl-reply.js';
import { type ShareRef, checkMargin, shareReferer } from './snap.js';

/** A URL, or 115's 50028: the file is over the web variant's size limit and needs the app variant. */
export type WebDownurl = ({ kind: 'url' } & CdnUrl) | { kind: 'too-big' };

/**
 * `GET webapi/share/downurl` (share notes §5.1, web variant), with the share page's Referer and the
 * account's cookie and User-Agent (the URL is bound to that UA, and with `f=3` to the cookie the
 * reply sets, which goes with it).
 */
export async function webDownurl(api: P115Api, share: ShareRef, account: string, fileId: string, where: string): Promise<WebDownurl> {
  const cookie = replyCookie();
  const json = await api.callRaw('webapi', '/share/downurl', {
    query: { share_code: share.share_code, receive_code: share.receive_code, file_id: fileId, dl: 1 },
    headers: { referer: shareReferer(share) },
    ...cookie.options,
  });
  checkMargin(json, where);
  const failure = failureIn(json);
  if (failure?.code === SHARE_ERR.tooBig) return { kind: 'too-big' };
  if (failure) throw downurlError(api, failure, share, account, where);
  const parsed = shareDownurl115.safeParse(json);
  if (!parsed.success) throw new TransientError(`${where}: unexpected reply from 115 /share/downurl`);
  return { kind: 'url', ...cookie.with(downurlOf(parsed.data.data, where, '/share/downurl')) };
}
