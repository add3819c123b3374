import { type P115EmulatorContext, apiError } from './context.js';
import type { Share, ShareState } from './shares.js';

/**
 * The checks every share endpoint makes before it looks at items (share notes §7 and 10), and the
 * number encoding shared by their answers.
 */

/** Share errnos of share notes §7, plus the emulator's picks where the notes have none. */
export const SHARE_ERR = {
  notFound: 4100026,
  invalid: 4100009,
  expired: 4100018,
  codeMissing: 4100012,
  codeWrong: 4100008,
  tooMany: 4100030,
  alreadyReceived: 4200045,
  tooBig: 50028,
  violation: 50038,
  /**
   * Choice (uncertain): an id that is not in this share (snap `cid`, downurl `file_id`, receive
   * `file_id`). The share notes know no errno for it; 50015 is the "文件不存在或已删除" code that
   * p115client synthesises for an empty downurl answer and is one of 115's not-found codes.
   */
  itemMissing: 50015,
  emptyFolder: 51011,
  folderFull: 2,
} as const;

/** `share_state` of share notes §4.5: 1 readable, 0 under review, 7 expired. */
export const SHARE_STATE_CODE: Record<Exclude<ShareState, 'cancelled'>, number> = {
  normal: 1,
  review: 0,
  expired: 7,
  // Choice (uncertain): the notes know no value for banned shares; they stay 1 and carry
  // forbid_reason + have_vio_file, so a client that only checks share_state meets 50038 later.
  banned: 1,
};

export const BANNED_REASON = '该分享含违规内容，已被屏蔽';

/** Codes are compared lower-cased: p115client lower-cases share codes and its parser knows only [a-z0-9]. */
function sameCode(given: string, expected: string): boolean {
  return given.trim().toLowerCase() === expected;
}

export type Opened = { ok: true; share: Share; owner: boolean; state: Exclude<ShareState, 'cancelled'> } | { ok: false; body: Record<string, unknown> };

/**
 * Existence, then cancellation, then the access code (the owner, logged in, needs none; share notes
 * §4). The lifecycle state (expired, review, banned) is left to each endpoint, as they answer it
 * differently. Choice: the code is checked before expiry, so a stranger learns nothing about a
 * coded share without its code.
 */
export function openShare(ctx: P115EmulatorContext, shareCode: string, receiveCode: string | null, callerId: string | undefined): Opened {
  const share = shareCode ? ctx.shares.get(shareCode.trim()) : undefined;
  if (!share) return { ok: false, body: apiError(SHARE_ERR.notFound, '该文件分享链接不存在或已被删除', { errtype: '' }) };
  if (share.state === 'cancelled') {
    const errno = ctx.shareOptions.cancelledErrno ?? SHARE_ERR.notFound;
    const text = errno === SHARE_ERR.invalid ? '链接已失效' : '该文件分享链接不存在或已被删除';
    return { ok: false, body: apiError(errno, text, { errtype: '' }) };
  }
  const owner = callerId !== undefined && callerId === share.ownerId;
  if (!owner && share.receiveCode !== '') {
    if (!receiveCode) return { ok: false, body: apiError(SHARE_ERR.codeMissing, '请输入访问码', { data: { is_access: 0 } }) };
    if (!sameCode(receiveCode, share.receiveCode)) return { ok: false, body: apiError(SHARE_ERR.codeWrong, '访问码错误') };
  }
  const state = ctx.shares.effectiveState(share) as Exclude<ShareState, 'cancelled'>;
  return { ok: true, share, owner, state };
}

/**
 * The refusal of download and receive for a share that is not readable by this caller, or
 * undefined. Choices (uncertain): under review (stranger) -> 4100009; banned -> 50038, the
 * "含违规内容" code the notes give for downloads, for receives too.
 */
export function notReadable(opened: Extract<Opened, { ok: true }>, action: 'download' | 'receive'): Record<string, unknown> | undefined {
  if (opened.state === 'expired') return apiError(SHARE_ERR.expired, '链接已过期');
  if (opened.state === 'review' && !opened.owner) return apiError(SHARE_ERR.invalid, '链接已失效，分享审核中');
  if (opened.state === 'banned') return apiError(SHARE_ERR.violation, action === 'download' ? '下载失败，含违规内容' : '转存失败，含违规内容');
  return undefined;
}

/**
 * The fields 115 has sent both ways (share_state, receive_count, auto_renewal, auto_fill_recvcode
 * were Go strings in 115driver until 115 switched them to numbers, SheltonZhu/115driver#57; file_size,
 * create_time and downurl's fs every reader takes either way), encoded as the share (or the emulator)
 * says. Fields a working client reads as a plain int (count, s, fc, expire_time) never pass here.
 */
export function numberEncoder(ctx: P115EmulatorContext, share: Share): (n: number) => number | string {
  const asStrings = share.numbersAsStrings ?? ctx.shareOptions.numbersAsStrings ?? false;
  return asStrings ? (n) => String(n) : (n) => n;
}
