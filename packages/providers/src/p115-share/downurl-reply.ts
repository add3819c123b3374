import { BadInput, NotFound, TransientError } from '@ferry/core';
import { NOT_FOUND_CODES, SHARE_ERR, type Failure115, shareDownloadUrl, shareDownurlData115 } from '@ferry/protocols';
import type { P115Api } from '../p115/api.js';
import { shareFailure } from '../p115/share-errors.js';
import type { ShareRef } from './snap.js';

/**
 * What the two share-download endpoints (share notes §5.1, web and app) have in common once 115
 * answered: the meaning of a failure, and the CDN URL in a reply's `data` (5.2).
 */

/** The typed error for a failed downurl call of either variant; `account` names the p115 remote in advice. */
export function downurlError(api: P115Api, failure: Failure115, share: ShareRef, account: string, where: string): Error {
  const shareError = shareFailure(failure, share.label);
  if (shareError) return shareError;
  switch (failure.code) {
    case SHARE_ERR.uaRejected:
      return new BadInput(`${where}: 115 refuses downloads to this User-Agent (50029): set user_agent on remote '${account}' to a 115 client's, such as "Mozilla/5.0 115Browser/35.6.0.3"`);
    case SHARE_ERR.tooBig:
      // The web variant's 50028 is handled by switching to the app variant; this is the app variant refusing too.
      return new BadInput(`${where}: 115 refuses a download URL for a file this large (50028 ${failure.text}); receive the share into a 115 account instead (copy it to a p115 remote)`);
    default:
      if (failure.code !== undefined && NOT_FOUND_CODES.has(failure.code)) return new NotFound(`${where}: no longer in the share (${failure.code} ${failure.text})`);
      return api.mapFailure(failure, where);
  }
}

/** The CDN URL of a decoded reply `data` (either variant), or a typed error when there is none. */
export function downurlOf(data: unknown, where: string, endpoint: string): string {
  // An empty `data` ([], null) is p115client's 50015 "not found, a folder, or not supported".
  if (data === null || data === undefined || Array.isArray(data)) return noUrl(where);
  const parsed = shareDownurlData115.safeParse(data);
  if (!parsed.success) throw new TransientError(`${where}: unexpected reply from 115 ${endpoint}`);
  // `url: false` is a folder.
  return shareDownloadUrl({ state: true, data: parsed.data }) ?? noUrl(where);
}

function noUrl(where: string): never {
  throw new NotFound(`${where}: 115 gives no download URL for it (a folder, or no longer in the share)`);
}
