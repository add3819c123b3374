import type { z } from 'zod';
import { ApiError } from './api-error.js';

/** Parses a request body, answering 400 InvalidParameter.<field> for the first bad field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') || 'Body';
  throw new ApiError(400, `InvalidParameter.${field}`, `The input parameter ${field} is not valid: ${issue?.message ?? ''}`);
}
