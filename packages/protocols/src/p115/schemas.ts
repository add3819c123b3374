import { z } from 'zod';
import { idLike, intLike, name115, stateLike } from './fields.js';

/** One item of `GET webapi/files` (web short keys): folders lack `fid` and carry their own id in `cid`. */
const fileItem115 = z.looseObject({
  fid: idLike.optional(),
  cid: idLike,
  pid: idLike.optional(),
  n: name115,
  s: intLike.optional(),
  sha: z.string().optional(),
  pc: z.string().optional(),
  te: intLike.optional(),
  tu: intLike.optional(),
  tp: intLike.optional(),
});
export type FileItem115 = z.infer<typeof fileItem115>;

export const filesPage115 = z.looseObject({
  state: z.literal(true),
  cid: idLike,
  count: intLike,
  offset: intLike.optional(),
  limit: intLike.optional(),
  data: z.array(fileItem115),
});

/** `GET webapi/files/getid`: `id` 0 with state true means "no such folder". */
export const getId115 = z.looseObject({ state: z.literal(true), id: idLike });

export const getInfo115 = z.looseObject({ state: z.literal(true), data: z.array(fileItem115) });

/** `GET webapi/category/get`: a bare object with no `state` on success. */
export const categoryGet115 = z.looseObject({
  file_name: name115,
  pick_code: z.string().optional(),
  sha1: z.string().optional(),
  file_category: intLike.optional(),
  paths: z.array(z.looseObject({ file_id: idLike, file_name: name115 })).optional(),
});

export const mkdir115 = z.looseObject({ state: z.literal(true), cid: idLike, file_name: name115.optional() });

/** The outer envelope of a m115 route: `data` is the encoded payload. */
export const m115Envelope = z.looseObject({ state: z.literal(true), data: z.string() });

/** Chrome download route, decoded: an object keyed by file id. A folder has an empty/false `url`. */
export const downUrlChrome115 = z.record(
  z.string(),
  z.looseObject({
    file_name: name115,
    file_size: intLike,
    pick_code: z.string(),
    sha1: z.string().optional(),
    url: z.union([z.looseObject({ url: z.string().min(1) }), z.literal(false), z.literal(''), z.array(z.unknown())]),
  }),
);

export const qrToken115 = z.looseObject({
  state: stateLike,
  data: z.looseObject({ uid: z.string(), time: intLike, sign: z.string(), qrcode: z.string() }),
});

export const qrStatus115 = z.looseObject({
  state: stateLike,
  data: z.looseObject({ status: intLike, msg: z.string().optional(), version: z.string().optional() }),
});

export const qrLogin115 = z.looseObject({
  state: stateLike,
  data: z.looseObject({
    cookie: z.looseObject({ UID: z.string(), CID: z.string(), SEID: z.string(), KID: z.string().optional() }),
    user_id: idLike,
    user_name: z.string().optional(),
  }),
});

/** QR status values (web notes §1.4). */
export const QR_STATUS = { waiting: 0, scanned: 1, confirmed: 2, expired: -1, canceled: -2 } as const;

const offlineAddResult115 = z.looseObject({
  state: stateLike,
  errno: z.unknown().optional(),
  errcode: z.unknown().optional(),
  error_msg: z.string().optional(),
  info_hash: z.string().optional(),
  name: z.string().optional(),
  url: z.string(),
});

/** Offline add, decoded: one result per URL. */
export const offlineAdd115 = z.looseObject({
  state: stateLike,
  result: z.array(offlineAddResult115),
});

const offlineTask115 = z.looseObject({
  info_hash: z.string(),
  name: name115,
  size: intLike,
  url: z.string(),
  add_time: intLike,
  status: intLike,
  percentDone: intLike,
  file_id: z.string().optional(),
  wp_path_id: z.string().optional(),
});
export type OfflineTask115 = z.infer<typeof offlineTask115>;

export const offlineList115 = z.looseObject({
  state: z.literal(true),
  page: intLike,
  page_count: intLike,
  count: intLike,
  quota: intLike,
  total: intLike,
  tasks: z.array(offlineTask115),
});

/** Offline task statuses as 115driver reads them (web notes §6). */
export const OFFLINE_STATUS = { failed: -1, waiting: 0, running: 1, done: 2 } as const;
