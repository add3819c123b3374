import { z } from 'zod';
import { BadInput, TransientError, normalizePath } from '@ferry/core';
import {
  ERR,
  OFFLINE_STATUS,
  type OfflineTask115,
  m115DecodeResponse,
  m115EncodeRequest,
  m115Envelope,
  offlineAdd115,
  offlineList115,
  rsaPublicKey,
} from '@ferry/protocols';
import type { P115Provider } from './provider.js';

export interface OfflineAddResult {
  url: string;
  ok: boolean;
  /** Set for added tasks and for duplicates (10008), which 115 still identifies. */
  infoHash?: string;
  /** Why a URL was refused, in words. */
  reason?: string;
}

const REASONS: Record<number, string> = {
  [ERR.offlineBadLink]: 'not a link 115 can download (10004)',
  [ERR.offlineExists]: 'already in the task list (10008)',
  [ERR.offlineQuota]: 'offline download quota used up (10010)',
  [ERR.offlineFolderMissing]: 'target folder missing (10014)',
};

function codeOf(value: unknown): number | undefined {
  const n = Number(value);
  return Number.isFinite(n) && n !== 0 ? n : undefined;
}

/**
 * Adds offline (cloud download) tasks that land in `dir` of the remote, one result per URL. A
 * missing `dir` is created first, as OpenList does before it adds a task.
 */
export async function offlineAdd(provider: P115Provider, urls: readonly string[], dir: string): Promise<OfflineAddResult[]> {
  if (!urls.length) throw new BadInput('offline add: no URL given');
  await provider.mkdirp(dir);
  const folderId = await provider.folders.require(normalizePath(dir));
  const pub = rsaPublicKey(provider.options.rsa_n, provider.options.rsa_e);
  const payload: Record<string, string> = { ac: 'add_task_urls', wp_path_id: folderId, app_ver: provider.options.app_version, uid: provider.api.userId };
  urls.forEach((url, i) => (payload[`url[${i}]`] = url));
  const { data, key } = m115EncodeRequest(JSON.stringify(payload), pub);
  const reply = await provider.api.call('lixian', '/lixianssp/', m115Envelope, {
    query: { ac: 'add_task_urls', t: Math.floor(Date.now() / 1000) },
    form: new URLSearchParams({ data }),
  });
  const decoded = offlineAdd115.safeParse(JSON.parse(m115DecodeResponse(reply.data, key, pub).toString('utf8')));
  if (!decoded.success) throw new TransientError(`${provider.remote}: unexpected offline-download reply from 115`);
  return decoded.data.result.map((r) => {
    const code = codeOf(r.errcode) ?? codeOf(r.errno);
    const infoHash = r.info_hash || undefined;
    if (r.state) return { url: r.url, ok: true, ...(infoHash ? { infoHash } : {}) };
    const reason = (code !== undefined && REASONS[code]) || r.error_msg || `refused (${code ?? 'no code'})`;
    return { url: r.url, ok: false, reason, ...(infoHash ? { infoHash } : {}) };
  });
}

/** Every task, page by page. */
export async function offlineList(provider: P115Provider): Promise<{ tasks: OfflineTask115[]; quotaLeft: number; quotaTotal: number }> {
  const tasks: OfflineTask115[] = [];
  for (let page = 1; ; page++) {
    const reply = await provider.api.call('lixian', '/lixian/', offlineList115, { query: { ct: 'lixian', ac: 'task_lists', page } });
    tasks.push(...reply.tasks);
    if (page >= reply.page_count || reply.tasks.length === 0) return { tasks, quotaLeft: reply.quota, quotaTotal: reply.total };
  }
}

/** Deletes tasks by info hash; `deleteFiles` also recycles what they downloaded. */
export async function offlineRemove(provider: P115Provider, hashes: readonly string[], deleteFiles = false): Promise<void> {
  if (!hashes.length) throw new BadInput('offline rm: no task hash given');
  const form = new URLSearchParams([...hashes.map((h, i): [string, string] => [`hash[${i}]`, h]), ['flag', deleteFiles ? '1' : '0']]);
  await provider.api.call('lixian', '/lixian/', z.looseObject({}), { query: { ct: 'lixian', ac: 'task_del' }, form });
}

/** Words for a task status (115driver's reading). */
export function offlineStatusText(status: number): string {
  const name = Object.entries(OFFLINE_STATUS).find(([, v]) => v === status)?.[0];
  return name ?? `status ${status}`;
}

/**
 * What `offline list` can say about a failed task. 115's task list carries no reason, only
 * status -1 (115driver, elevengo and p115client read no other field), so the link is what is left
 * to check; anything else is undefined.
 */
export function offlineFailureText(task: OfflineTask115): string | undefined {
  if (task.status !== OFFLINE_STATUS.failed) return undefined;
  return `115 could not download ${task.url} (its task list gives no reason: check that the link still works)`;
}
