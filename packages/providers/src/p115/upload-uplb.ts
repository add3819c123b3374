import { TransientError } from '@ferry/core';
import { request } from '../http/undici.js';
import type { P115Api } from './api.js';

export interface UplbReply {
  status: number;
  body: Buffer;
}

/**
 * A call to uplb.115.com (upload init, STS token, OSS endpoint): paced with the account's other
 * calls, cookie and UA sent. 5xx, HTTP 401 (initupload's occasional one, web notes §0) and
 * network failures are TransientError, which the pacer sends again a few times.
 */
export function uplbCall(
  api: P115Api,
  path: string,
  options: { query?: string; body?: Buffer; contentType?: string } = {},
): Promise<UplbReply> {
  const base = api.options.uplb_url.replace(/\/+$/, '');
  const url = `${base}${path}${options.query ? `?${options.query}` : ''}`;
  return api.pacer.call('api', async () => {
    let status: number;
    let body: Buffer;
    try {
      const res = await request(url, {
        method: options.body ? 'POST' : 'GET',
        dispatcher: await api.dispatcher(),
        headers: {
          accept: '*/*',
          'user-agent': api.options.user_agent,
          cookie: api.options.cookie,
          ...(options.body ? { 'content-type': options.contentType ?? 'application/x-www-form-urlencoded' } : {}),
        },
        ...(options.body ? { body: options.body } : {}),
        headersTimeout: 60_000,
        bodyTimeout: 60_000,
      });
      status = res.statusCode;
      body = Buffer.from(await res.body.arrayBuffer());
    } catch (err) {
      throw new TransientError(`${api.remote}: cannot reach 115's upload server (${(err as Error).message})`, { cause: err });
    }
    if (status >= 500 || status === 401) throw new TransientError(`${api.remote}: 115's upload server answered HTTP ${status} on ${path}`);
    return { status, body };
  });
}

/** The JSON of a reply, or TransientError. */
export function uplbJson(reply: UplbReply, where: string): unknown {
  try {
    return JSON.parse(reply.body.toString('utf8')) as unknown;
  } catch {
    throw new TransientError(`${where}: 115 answered HTTP ${reply.status} without JSON`);
  }
}
