import type { P115EmulatorContext, MaybeAuthedCall } from './context.js';
import { apiError } from './context.js';
import { sendJson } from './http-io.js';
import { BANNED_REASON, SHARE_ERR, SHARE_STATE_CODE, numberEncoder, openShare } from './share-access.js';
import { SHARE_ROOT, type Share, type SnapNode, snapChildren } from './shares.js';

/** snap's page size when `limit` is absent (115driver and AList send 20). */
const DEFAULT_SNAP_LIMIT = 20;
const DEFAULT_SNAP_CAP = 1150;

type Encode = (n: number) => number | string;

const extension = (name: string): string => {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
};
const byId = (a: SnapNode, b: SnapNode): number => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0);

/** The `o` values of share notes §4.1; ties fall back to the id so pages never overlap. */
const ORDERS: Record<string, (a: SnapNode, b: SnapNode) => number> = {
  file_name: (a, b) => a.name.localeCompare(b.name) || byId(a, b),
  file_size: (a, b) => a.size - b.size || byId(a, b),
  file_type: (a, b) => extension(a.name).localeCompare(extension(b.name)) || byId(a, b),
  user_ptime: (a, b) => a.ctime - b.ctime || byId(a, b),
  user_utime: (a, b) => a.mtime - b.mtime || byId(a, b),
  user_otime: (a, b) => a.mtime - b.mtime || byId(a, b),
};

/**
 * A `data.list[]` item. Names go out as they are. `s` is always a number: elevengo reads it as an
 * `int64` (internal/protocol/share.go), so a string would break a client that works against 115.
 */
function snapItem(share: Share, node: SnapNode): Record<string, unknown> {
  const uid = Number(share.ownerId);
  if (node.isDir) return { cid: node.id, pid: node.parentId, n: node.name, fc: 0, ico: 'folder', t: String(node.mtime), uid, fl: [] };
  return { fid: node.id, cid: node.parentId, n: node.name, s: node.size, sha: node.sha1, fc: 1, ico: extension(node.name), t: String(node.mtime), uid, fl: [] };
}

/** `data.shareinfo`, every field of share notes §4.3. */
function shareInfo(share: Share, stateCode: number, banned: boolean, n: Encode): Record<string, unknown> {
  return {
    snap_id: share.snapId,
    file_size: n(share.fileSize),
    share_title: share.title,
    share_state: n(stateCode),
    forbid_reason: banned ? BANNED_REASON : '',
    create_time: n(share.createTime),
    receive_code: share.receiveCode,
    receive_count: n(share.receiveCount),
    // int64 in 115driver (a string would break it), so always a number; -1 = never expires.
    expire_time: share.expireTime,
    file_category: 1,
    auto_renewal: n(0),
    auto_fill_recvcode: n(0),
    can_report: 1,
    can_notice: 1,
    have_vio_file: banned ? 1 : 0,
  };
}

function snapData(ctx: P115EmulatorContext, share: Share, stateCode: number, banned: boolean, count: number, list: Record<string, unknown>[]): Record<string, unknown> {
  const n = numberEncoder(ctx, share);
  const owner = ctx.users.get(share.ownerId);
  return {
    userinfo: { user_id: share.ownerId, user_name: owner?.name ?? '', face: '' },
    shareinfo: shareInfo(share, stateCode, banned, n),
    // A number even with numbersAsStrings: 115driver and elevengo both decode it as a Go `int`.
    count,
    list,
    share_state: n(stateCode),
    user_appeal: { can_appeal: 0, can_share_appeal: 0, popup_appeal_page: 0, can_global_appeal: 0 },
  };
}

function intParam(value: string | null, fallback: number): number {
  const v = Number(value);
  return value !== null && value !== '' && Number.isFinite(v) ? Math.trunc(v) : fallback;
}

/**
 * `GET /webapi/share/snap` (share notes §4). Anonymous callers are welcome; the owner, logged in,
 * needs no access code and sees the listing while the share is under review.
 */
export function shareSnap(call: MaybeAuthedCall): void {
  const { ctx, res, url } = call;
  const q = url.searchParams;
  const opened = openShare(ctx, q.get('share_code') ?? '', q.get('receive_code'), call.session?.userId);
  if (!opened.ok) return sendJson(res, opened.body);
  const { share, owner, state } = opened;
  const stateCode = SHARE_STATE_CODE[state];
  const banned = state === 'banned';

  // Expired: state:true with share_state 7 and nothing listed (share notes §4.5), or errno 4100018 when asked.
  if (state === 'expired') {
    if (ctx.shareOptions.expiredAsErrno) return sendJson(res, apiError(SHARE_ERR.expired, '链接已过期'));
    return sendJson(res, { state: true, error: '', errno: 0, data: snapData(ctx, share, stateCode, false, 0, []) });
  }
  // Under review: a stranger gets share_state 0 and an empty listing ("正在生成文件快照").
  if (state === 'review' && !owner) {
    return sendJson(res, { state: true, error: '', errno: 0, msg: '正在生成文件快照', data: snapData(ctx, share, stateCode, false, 0, []) });
  }

  const cid = (q.get('cid') ?? '') === '' ? SHARE_ROOT : q.get('cid')!;
  if (cid !== SHARE_ROOT && !share.nodes.get(cid)?.isDir) {
    return sendJson(res, apiError(SHARE_ERR.itemMissing, '文件不存在或已删除'));
  }
  const offset = Math.max(0, intParam(q.get('offset'), 0));
  const cap = ctx.shareOptions.snapLimitCap ?? DEFAULT_SNAP_CAP;
  const asked = intParam(q.get('limit'), DEFAULT_SNAP_LIMIT);
  const limit = Math.min(cap, asked > 0 ? asked : DEFAULT_SNAP_LIMIT);
  const compare = ORDERS[q.get('o') ?? ''] ?? ORDERS['file_name']!;
  const asc = (q.get('asc') ?? '1') !== '0';
  // Choice (uncertain): folders before files, as 115's web listings do without fc_mix.
  const children = [...snapChildren(share, cid)].sort((a, b) => {
    if (a.isDir !== b.isDir) return a.isDir ? -1 : 1;
    return asc ? compare(a, b) : compare(b, a);
  });
  const list = children.slice(offset, offset + limit).map((node) => snapItem(share, node));
  sendJson(res, { state: true, error: '', errno: 0, data: snapData(ctx, share, stateCode, banned, children.length, list) });
}
