import { z } from 'zod';
import { idLike, intLike, name115 } from './fields.js';

/**
 * Replies of the share endpoints (share notes sections 4-6). Every number may come
 * as a JSON number or a string (the share_state quirk that broke AList, 4.5), and optional numbers
 * may also come as "" or null; they decode to `undefined` then.
 */
export const looseInt = z
  .union([intLike, z.literal(''), z.null()])
  .optional()
  .transform((v) => (v === '' || v === null ? undefined : v));

/** `t` is unix seconds as a string in snap (AList parses it with ParseInt); kept raw, see shareItemTime. */
const timeLike = z.union([z.string(), z.number()]).optional();

/** One item of `data.list` (4.4): folders carry their own id in `cid`, files their id in `fid` and the parent in `cid`. */
const shareItem115 = z.looseObject({
  fc: looseInt,
  fid: idLike.optional(),
  cid: idLike.optional(),
  pid: idLike.optional(),
  n: name115,
  s: looseInt,
  sha: z.string().optional(),
  ico: z.string().optional(),
  t: timeLike,
  te: looseInt,
  tu: looseInt,
});
export type ShareItem115 = z.infer<typeof shareItem115>;

/** p115client's rule (4.4): `fc == 0`; without `fc`, an item with a `cid` and no `fid`. */
export function isShareFolder(item: ShareItem115): boolean {
  if (item.fc !== undefined) return item.fc === 0;
  return item.fid === undefined && item.cid !== undefined;
}

/** The id a share item is downloaded and received by: `fid` for files, `cid` for folders (6). */
export function shareItemId(item: ShareItem115): string | undefined {
  return isShareFolder(item) ? item.cid : item.fid;
}

/**
 * Modification time in unix seconds: `te`/`tu` when present, else `t` as unix seconds, or as the
 * "YYYY-MM-DD HH:MM" Beijing time that the files listing uses for `t`.
 */
export function shareItemTime(item: ShareItem115): number | undefined {
  const direct = item.te ?? item.tu;
  if (direct) return direct;
  const t = item.t;
  if (typeof t === 'number') return t > 0 ? t : undefined;
  if (t === undefined) return undefined;
  if (/^\d+$/.test(t)) return Number(t) || undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(t);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number | undefined];
  return Date.UTC(y, mo - 1, d, h - 8, mi, Number.isNaN(s) || s === undefined ? 0 : s) / 1000;
}

/** `data.shareinfo` (4.3). */
const shareInfo115 = z.looseObject({
  snap_id: z.union([z.string(), z.number()]).optional(),
  file_size: looseInt,
  share_title: z.string().optional(),
  share_state: looseInt,
  forbid_reason: z.string().nullish(),
  create_time: looseInt,
  receive_code: z.string().nullish(),
  receive_count: looseInt,
  expire_time: looseInt,
  file_category: looseInt,
  auto_renewal: looseInt,
  auto_fill_recvcode: looseInt,
  have_vio_file: looseInt,
});
export type ShareInfo115 = z.infer<typeof shareInfo115>;

/** `GET webapi/share/snap` success (4.2). `state: true` alone does not mean readable: see share_state. */
export const shareSnap115 = z.looseObject({
  state: z.literal(true),
  data: z.looseObject({
    userinfo: z.looseObject({ user_id: z.union([z.string(), z.number()]).optional(), user_name: z.string().optional() }).optional(),
    shareinfo: shareInfo115.optional(),
    count: intLike,
    list: z.array(shareItem115),
    share_state: looseInt,
  }),
});

/** `data.url` (5.2): an object, or `false`/`0`/empty when the id names a folder. */
const downurlUrl = z.union([
  z.looseObject({ url: z.string().min(1) }),
  z.literal(false),
  z.literal(0),
  z.literal('0'),
  z.literal(''),
  z.null(),
  z.array(z.unknown()),
]);

export const shareDownurlData115 = z.looseObject({
  fid: idLike.optional(),
  fn: name115.optional(),
  fs: looseInt,
  sha1: z.string().optional(),
  url: downurlUrl.optional(),
});

/** `GET webapi/share/downurl` success; `data` may be empty (p115client synthesises 50015 then). */
export const shareDownurl115 = z.looseObject({
  state: z.literal(true),
  data: z.union([shareDownurlData115, z.array(z.unknown()), z.null()]).optional(),
});

/** The CDN URL of a downurl reply, or undefined for a folder or an empty reply. */
export function shareDownloadUrl(reply: z.infer<typeof shareDownurl115>): string | undefined {
  const data = reply.data;
  if (!data || Array.isArray(data)) return undefined;
  const url = data.url;
  return url && typeof url === 'object' && !Array.isArray(url) ? url.url : undefined;
}

/** `POST webapi/share/receive` success (6); a third-party client reads `data.receive_title`. */
export const shareReceive115 = z.looseObject({
  state: z.literal(true),
  data: z.union([z.looseObject({ receive_title: z.string().optional() }), z.array(z.unknown()), z.null()]).optional(),
});

/** `share_state` values (4.5). Others exist for cancelled or banned shares and are not documented. */
export const SHARE_STATE = { review: 0, normal: 1, expired: 7 } as const;

/** Error codes of the share endpoints (share notes §7). */
export const SHARE_ERR = {
  notFound: 4100026,
  invalid: 4100009,
  expired: 4100018,
  codeRequired: 4100012,
  codeWrong: 4100008,
  tooManyItems: 4100030,
  alreadyReceived: 4200045,
  emptyFolder: 51011,
  folderFull: 2,
  uaRejected: 50029,
  tooBig: 50028,
  violating: 50038,
  fileMissing: 50015,
} as const;

/** The text 115 answers when an item was received into that folder before (6): clients count it as done. */
export const ALREADY_RECEIVED_TEXT = '无需重复接收';

const marginReply = z.looseObject({ margin: intLike });

/**
 * A bare `{"margin": N}` with no `state` (reported by a third party, share notes §3): "wait about N
 * seconds". The seconds to wait, or undefined for any other reply.
 */
export function rateLimitMargin(json: unknown): number | undefined {
  if (typeof json !== 'object' || json === null || 'state' in json) return undefined;
  const parsed = marginReply.safeParse(json);
  return parsed.success ? parsed.data.margin : undefined;
}
