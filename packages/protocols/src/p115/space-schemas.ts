import { z } from 'zod';
import { intLike } from './fields.js';

const sizeInfo115 = z.looseObject({ size: intLike, size_format: z.string().optional() });

/**
 * `GET webapi/files/index_info`: the account's space in bytes (`size` may be a float, as
 * wiserain's rclone backend reads it; `size_format` is for display).
 */
export const indexInfo115 = z.looseObject({
  state: z.literal(true),
  data: z.looseObject({
    space_info: z.looseObject({ all_total: sizeInfo115, all_remain: sizeInfo115, all_use: sizeInfo115 }),
  }),
});
