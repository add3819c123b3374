import type { Context } from 'hono';
import type { z } from 'zod';
import { describeZodError } from '@ferry/core';
import { HttpError } from './http-errors.js';

/** A request's JSON body parsed by `schema`; anything else is a 400 naming the bad field. */
export async function bodyOf<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new HttpError(400, 'the request body must be a JSON object');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new HttpError(400, describeZodError(parsed.error));
  return parsed.data;
}
