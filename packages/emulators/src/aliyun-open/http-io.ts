import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './api-error.js';
import { newRequestId } from './ids.js';

const MAX_JSON_BODY = 4 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new ApiError(413, 'Payload Too Large', 'Request body too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The JSON body of an API call; an empty body reads as `{}` (getDriveInfo sends none). */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const raw = await readBody(req, MAX_JSON_BODY);
  if (raw.length === 0) return {};
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ApiError(400, 'InvalidParameter', 'The request body is not valid JSON.');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json;charset=UTF-8',
    'content-length': Buffer.byteLength(text),
    'x-ca-request-id': newRequestId(),
    ...headers,
  });
  res.end(text);
}

export function sendApiError(res: ServerResponse, err: ApiError): void {
  sendJson(res, err.status, { code: err.code, message: err.message, requestId: newRequestId(), ...err.extra }, err.headers);
}
