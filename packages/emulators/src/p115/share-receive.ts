import { ERR } from '@ferry/protocols';
import { type AuthedCall, apiError } from './context.js';
import { formArray, readForm, sendJson } from './http-io.js';
import { SHARE_ERR, notReadable, openShare } from './share-access.js';
import { PENDING, type SnapNode, deepCount, holdsFile, receiveInto } from './shares.js';
import { ROOT_ID, type UserTree } from './store.js';

/** Where a receive without a target lands (share notes §6: "0 lands in the 最近接收 folder"). */
const RECENT_FOLDER = '最近接收';
/** Default cap of one receive: 115's batch copy/move cap (share notes §6), counted deep. */
const DEFAULT_MAX_RECEIVE = 50_000;
/** 115's per-directory limit (share notes §6, errno 2). */
const FOLDER_LIMIT = 50_000;
/** A new share lasts 15 days (share notes §8). */
const SHARE_DAYS = 15;

/**
 * Choice (uncertain): a `user_id` that is not the caller's is refused as a bad parameter. The
 * share notes only say clients send their own id or none; a real server might ignore it.
 */
function wrongUserId(form: URLSearchParams, call: AuthedCall): boolean {
  const given = form.get('user_id');
  return given !== null && given !== '' && given !== call.session.userId;
}

/**
 * `POST /webapi/share/receive` (share notes §6): deep-copies share items into the caller's drive with
 * fresh ids. All checks run before anything is copied, so a refused call changes nothing.
 */
export async function shareReceive(call: AuthedCall): Promise<void> {
  const { ctx, res, tree, session } = call;
  const form = await readForm(call.req);
  if (wrongUserId(form, call)) return sendJson(res, apiError(ERR.badParams, '参数错误'));
  const opened = openShare(ctx, form.get('share_code') ?? '', form.get('receive_code'), session.userId);
  if (!opened.ok) return sendJson(res, opened.body);
  const refused = notReadable(opened, 'receive');
  if (refused) return sendJson(res, refused);
  const { share } = opened;

  // `is_check` and `target_folder`: meaning unknown (share notes §6); accepted and ignored.
  const ids = [...new Set(formArray(form, 'file_id').map((id) => id.trim()).filter(Boolean))];
  if (!ids.length) return sendJson(res, apiError(ERR.badParams, '参数错误'));
  const items: SnapNode[] = [];
  for (const id of ids) {
    const node = share.nodes.get(id);
    if (!node) return sendJson(res, apiError(SHARE_ERR.itemMissing, '文件不存在或已删除'));
    // Choice (uncertain): "empty" means no file anywhere below, so a tree of empty folders is empty too.
    if (!holdsFile(share, node)) return sendJson(res, apiError(SHARE_ERR.emptyFolder, '不允许转存空文件夹'));
    items.push(node);
  }
  // Choice (uncertain): the cap counts what the call would create, files and folders, deep.
  const total = items.reduce((sum, node) => sum + deepCount(share, node), 0);
  if (total > (ctx.shareOptions.maxReceiveItems ?? DEFAULT_MAX_RECEIVE)) return sendJson(res, apiError(SHARE_ERR.tooMany, '接收文件过多'));

  const target = form.get('cid') ?? '';
  let targetId: string;
  if (target === '' || target === ROOT_ID) {
    targetId = tree.childFolder(ROOT_ID, RECENT_FOLDER)?.id ?? tree.addFolder(ROOT_ID, RECENT_FOLDER).id;
  } else if (tree.isLiveFolder(target)) {
    targetId = target;
  } else {
    // Choice (uncertain): a missing target folder answers 20009 "父目录不存在", as mkdir does here.
    return sendJson(res, apiError(ERR.parentMissing, '目标目录不存在'));
  }
  if (tree.children(targetId).length + items.length > FOLDER_LIMIT) return sendJson(res, apiError(SHARE_ERR.folderFull, '网盘单个文件夹限5万个文件'));

  // Choice (uncertain): one item already received into this folder (and still there, or still
  // landing) refuses the whole call; clients treat "无需重复接收" as success (share notes §6).
  const keyOf = (node: SnapNode) => `${session.userId}|${targetId}|${node.id}`;
  const already = items.some((node) => {
    const prior = share.received.get(keyOf(node));
    return prior === PENDING || (prior !== undefined && tree.live(prior)?.parentId === targetId);
  });
  if (already) return sendJson(res, apiError(SHARE_ERR.alreadyReceived, '文件已接收，无需重复接收！'));

  const apply = (): void => {
    // A folder removed while a delayed receive was pending: the receive is lost, as a copy into nowhere.
    if (!tree.isLiveFolder(targetId)) {
      for (const node of items) share.received.delete(keyOf(node));
      return;
    }
    for (const node of items) share.received.set(keyOf(node), receiveInto(share, node, tree, targetId));
  };
  const delay = ctx.shareOptions.receiveDelayMs ?? 0;
  if (delay > 0) {
    for (const node of items) share.received.set(keyOf(node), PENDING);
    const timer = setTimeout(() => {
      ctx.shares.timers.delete(timer);
      apply();
    }, delay);
    timer.unref();
    ctx.shares.timers.add(timer);
  } else {
    apply();
  }
  share.receiveCount++;
  ctx.shares.receives++;
  const title = items.length > 1 ? `${items[0]!.name}等${items.length}个文件` : items[0]!.name;
  sendJson(res, { state: true, error: '', errno: 0, data: { receive_title: title } });
}

function nodesOf(tree: UserTree, ids: string[]) {
  return ids.map((id) => tree.live(id));
}

/** `POST /webapi/share/send` (share notes §8): the owner shares items of their drive; 15 days, random code. */
export async function shareSend(call: AuthedCall): Promise<void> {
  const { ctx, res, tree } = call;
  const form = await readForm(call.req);
  if (wrongUserId(form, call)) return sendJson(res, apiError(ERR.badParams, '参数错误'));
  const ids = [...new Set(formArray(form, 'file_ids'))];
  if (!ids.length) return sendJson(res, apiError(ERR.badParams, '参数错误'));
  const nodes = nodesOf(tree, ids);
  if (nodes.some((n) => !n)) return sendJson(res, apiError(ERR.notFound, '文件不存在或已删除。'));
  const expireTime = Math.floor(Date.now() / 1000) + SHARE_DAYS * 86_400;
  const share = ctx.shares.create(tree, nodes.map((n) => n!), { expireTime });
  sendJson(res, {
    state: true,
    error: '',
    errno: 0,
    data: {
      share_code: share.code,
      receive_code: share.receiveCode,
      share_url: `https://115.com/s/${share.code}?password=${share.receiveCode}`,
      share_title: share.title,
      total_size: share.fileSize,
      file_count: share.fileCount,
      folder_count: share.folderCount,
      share_ex_duration: SHARE_DAYS,
      share_ex_time: expireTime,
    },
  });
}
