import type { IncomingMessage, ServerResponse } from 'node:http';

/** Reads a request body; API bodies are small, so a cap keeps a bad client from filling memory. */
export async function readBody(req: IncomingMessage, limit = 8 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new URLSearchParams((await readBody(req)).toString('utf8'));
}

/** `key[0]=…&key[1]=…`, a single `key=`, or comma-separated values, as 115's endpoints accept. */
export function formArray(form: URLSearchParams, key: string): string[] {
  const indexed: string[] = [];
  for (const [k, v] of form) if (k.startsWith(`${key}[`) && k.endsWith(']')) indexed.push(v);
  if (indexed.length) return indexed;
  const single = form.getAll(key);
  return single.flatMap((v) => v.split(',')).filter((v) => v !== '');
}

/** `setCookie`: Set-Cookie lines for the reply (a downurl reply binding its URL to a cookie). */
export function sendJson(res: ServerResponse, body: unknown, status = 200, setCookie: string[] = []): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...(setCookie.length ? { 'set-cookie': setCookie } : {}),
  });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
