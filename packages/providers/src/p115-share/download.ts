import { BadInput, NotFound, TransientError } from '@ferry/core';
import { NOT_FOUND_CODES, SHARE_ERR, shareDownloadUrl, shareDownurl115 } from '@ferry/protocols';
import { type Api115, failureIn } from '../p115/api.js';
import type { UrlSource } from '../p115/download.js';
import { shareFailure } from '../p115/share-errors.js';
import { type ShareRef, checkMargin, shareReferer } from './snap.js';

/**
 * CDN URLs of shared files through `GET webapi/share/downurl` (reference 5.1, web variant), asked
 * with the account's cookie and User-Agent: 115 binds the URL to that UA, and the ranged reads in
 * Downloads send the same one. The key is the file id inside the share.
 */
export function shareUrlSource(api: Api115, share: ShareRef, account: string): UrlSource {
  return async (fileId, where) => {
    const json = await api.callRaw('webapi', '/share/downurl', {
      query: { share_code: share.share_code, receive_code: share.receive_code, file_id: fileId, dl: 1 },
      headers: { referer: shareReferer(share) },
    });
    checkMargin(json, where);
    const failure = failureIn(json);
    if (failure) {
      const shareError = shareFailure(failure, share.label);
      if (shareError) throw shareError;
      switch (failure.code) {
        case SHARE_ERR.uaRejected:
          throw new BadInput(`${where}: 115 refuses downloads to this User-Agent (50029): set user_agent on remote '${account}' to a 115 client's, such as "Mozilla/5.0 115Browser/35.6.0.3"`);
        case SHARE_ERR.tooBig:
          throw new BadInput(`${where}: too large for 115's web share-download API (50028, about 200 MB at most); receive the share into a 115 account instead (copy it to a p115 remote)`);
        default:
          if (failure.code !== undefined && NOT_FOUND_CODES.has(failure.code)) throw new NotFound(`${where}: no longer in the share (${failure.code} ${failure.text})`);
          throw api.mapFailure(failure, where);
      }
    }
    const parsed = shareDownurl115.safeParse(json);
    if (!parsed.success) throw new TransientError(`${where}: unexpected reply from 115 /share/downurl`);
    const url = shareDownloadUrl(parsed.data);
    // An empty `data` is p115client's 50015 "not found, a folder, or not supported"; `url: false` is a folder.
    if (!url) throw new NotFound(`${where}: 115 gives no download URL for it (a folder, or no longer in the share)`);
    return url;
  };
}
