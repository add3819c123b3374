import { ERR, m115EncodeResponse } from '@ferry/protocols';
import { type AuthedCall, apiError } from './context.js';
import { readM115Form } from './m115-form.js';
import { formArray, readForm, sendJson } from './http-io.js';
import { OfflineTasks, infoHashOf, isSupportedLink } from './offline-tasks.js';
import { ROOT_ID } from './store.js';

const PAGE_SIZE = 30;

function tasksOf(call: AuthedCall): OfflineTasks {
  let tasks = call.ctx.offline.get(call.session.userId);
  if (!tasks) call.ctx.offline.set(call.session.userId, (tasks = new OfflineTasks(call.tree)));
  return tasks;
}

function urlsOf(payload: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(payload)) if ((k === 'url' || /^url\[\d+\]$/.test(k)) && typeof v === 'string') out.push(v);
  return out;
}

/**
 * `POST /lixian/lixianssp/?ac=add_task_urls`: m115 in, m115 out, one result per URL. Choices:
 * a missing target folder is a per-URL 10014; a duplicate (10008) still carries its info_hash.
 */
export async function addTasks(call: AuthedCall): Promise<void> {
  const decoded = await readM115Form(call);
  if (!decoded) return;
  const tasks = tasksOf(call);
  const folderId = String(decoded.payload['wp_path_id'] ?? ROOT_ID);
  const savepath = typeof decoded.payload['savepath'] === 'string' ? decoded.payload['savepath'] : '';
  const urls = urlsOf(decoded.payload);
  if (!urls.length) return sendJson(call.res, apiError(ERR.badParams, '参数错误', { data: [] }));
  const result = urls.map((url) => {
    const base = { url, info_hash: '', name: '' };
    if (!isSupportedLink(url)) return { ...base, state: false, errno: ERR.offlineBadLink, errcode: ERR.offlineBadLink, errtype: 'war', error_msg: '链接无效' };
    const existing = tasks.tasks.get(infoHashOf(url));
    if (existing) return { ...base, state: false, errno: ERR.offlineExists, errcode: ERR.offlineExists, errtype: 'war', error_msg: '任务已存在', info_hash: existing.info_hash, name: existing.name };
    if (tasks.used >= call.ctx.offlineQuota) return { ...base, state: false, errno: ERR.offlineQuota, errcode: ERR.offlineQuota, errtype: 'war', error_msg: '配额已用完' };
    if (!call.tree.isLiveFolder(folderId)) return { ...base, state: false, errno: ERR.offlineFolderMissing, errcode: ERR.offlineFolderMissing, errtype: 'war', error_msg: '目标目录不存在' };
    const target = savepath ? call.tree.folderByPath([...pathOf(call, folderId), savepath].join('/'), true)! : folderId;
    const task = tasks.add(url, target);
    return { ...base, state: true, errno: 0, errcode: 0, info_hash: task.info_hash, name: task.name };
  });
  const plain = { state: result.some((r) => r.state), errno: 0, errcode: 0, result };
  sendJson(call.res, { state: true, errno: '', data: m115EncodeResponse(JSON.stringify(plain), decoded.key, call.ctx.rsa) });
}

function pathOf(call: AuthedCall, folderId: string): string[] {
  if (folderId === ROOT_ID) return [];
  return [...call.tree.ancestors(folderId), call.tree.get(folderId)!].map((n) => n.name);
}

/** `GET|POST /lixian/lixian/?ct=lixian&ac=task_lists&page=N`: `total` is the quota, `quota` what remains. */
export function listTasks(call: AuthedCall): void {
  const tasks = tasksOf(call);
  const all = [...tasks.tasks.values()].sort((a, b) => b.add_time - a.add_time);
  const page = Math.max(1, Number(call.url.searchParams.get('page') ?? 1) || 1);
  const pageCount = Math.max(1, Math.ceil(all.length / PAGE_SIZE));
  sendJson(call.res, {
    state: true,
    page,
    page_count: pageCount,
    page_row: PAGE_SIZE,
    count: all.length,
    total: call.ctx.offlineQuota,
    quota: Math.max(0, call.ctx.offlineQuota - tasks.used),
    tasks: all.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((t) => ({
      info_hash: t.info_hash,
      name: t.name,
      size: t.size,
      url: t.url,
      add_time: t.add_time,
      last_update: t.last_update,
      peers: 0,
      rateDownload: 0,
      percentDone: t.percentDone,
      left_time: 0,
      status: t.status,
      file_id: t.file_id,
      delete_file_id: t.file_id,
      wp_path_id: t.wp_path_id,
      move: t.status === 2 ? 1 : 0,
    })),
  });
}

/** `POST /lixian/lixian/?ct=lixian&ac=task_del`: `hash[i]`; `flag=1` also recycles the downloaded files. */
export async function deleteTasks(call: AuthedCall): Promise<void> {
  const form = await readForm(call.req);
  const hashes = formArray(form, 'hash');
  if (!hashes.length) return sendJson(call.res, apiError(ERR.badParams, '参数错误'));
  const tasks = tasksOf(call);
  for (const hash of hashes) {
    const task = tasks.tasks.get(hash);
    if (!task) continue;
    tasks.tasks.delete(hash);
    if (form.get('flag') === '1' && task.file_id) {
      const node = call.tree.get(task.file_id);
      if (node) node.aid = 7;
    }
  }
  sendJson(call.res, { state: true, errno: 0, error: '' });
}
