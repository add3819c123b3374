import type { P115Api } from '../p115/api.js';
import type { UrlSource } from '../p115/download.js';
import { appDownurl } from './downurl-app.js';
import { webDownurl } from './downurl-web.js';
import type { ShareRef } from './snap.js';

/**
 * CDN URLs of shared files (share notes §5.1), asked with the account's cookie and User-Agent: 115
 * binds the URL to that UA, and the ranged reads in Downloads send the same one. The key is the
 * file id inside the share. Files over `webMaxBytes` go straight to the app variant, since the web
 * one refuses them (50028, quirk 9.7); smaller ones use the web variant, and a file it still
 * refuses with 50028 uses the app variant from then on, renewals included.
 */
export function shareUrlSource(api: P115Api, share: ShareRef, account: string, webMaxBytes: number): UrlSource {
  const app = appDownurl(api, share, account);
  const tooBigForWeb = new Set<string>();
  return async (fileId, where, size) => {
    if (size > webMaxBytes || tooBigForWeb.has(fileId)) return app(fileId, where);
    const web = await webDownurl(api, share, account, fileId, where);
    if (web.kind === 'url') return web.cookie ? { url: web.url, cookie: web.cookie } : { url: web.url };
    tooBigForWeb.add(fileId);
    return app(fileId, where);
  };
}
