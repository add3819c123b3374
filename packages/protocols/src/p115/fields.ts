import { z } from 'zod';
import { decode115Name } from './names.js';

/**
 * Field types 115 is loose about: any number may arrive as a JSON number or a string, errno may
 * be "", and ids reach 19 digits (beyond 2^53), so ids are kept as decimal strings.
 */
export const intLike = z
  .union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)])
  .transform((v) => Number(v));

/** An error code that may be a number, a numeric string or "" (no code). */
export const codeLike = z.union([z.number(), z.string()]).transform((v) => {
  if (typeof v === 'number') return v;
  return /^-?\d+$/.test(v) ? Number(v) : undefined;
});

/** Ids as strings. A JSON number beyond 2^53 would already have lost digits in JSON.parse, so numbers are accepted only when safe. */
export const idLike = z.union([
  z.string().regex(/^\d+$/),
  z
    .number()
    .int()
    .nonnegative()
    .refine((n) => Number.isSafeInteger(n), 'id beyond 2^53 sent as a JSON number')
    .transform(String),
]);

/** A name as listed, with 115's "[\x02<code point>]" escapes decoded. */
export const name115 = z.string().transform(decode115Name);

/** `state` is a boolean on webapi/proapi and 1/0 on passport/QR endpoints. */
export const stateLike = z.union([z.boolean(), z.number()]).transform((v) => v === true || v === 1);
