import { TransientError } from '@ferry/core';
import { ALIYUN_ACCESS_TOKEN_ERROR_CODES, aliyunRateGroupOf } from '@ferry/protocols';
import { request } from '../http/undici.js';
import type { z } from 'zod';
import { networkError, parseFailure, typedError } from './errors.js';
import type { Account } from './token.js';

/** A body, or a function of the access token for bodies that depend on it (the rapid-upload proof). */
export type Body = Record<string, unknown> | ((accessToken: string) => Record<string, unknown>);

/**
 * JSON calls to the Open API: spaced per endpoint group, authenticated, answers parsed with zod.
 * A call refused for its access token refreshes once and is sent again; every other failure is a
 * typed error for the engine to retry or report.
 */
export class AliyunApi {
  constructor(
    readonly endpoint: string,
    private readonly account: Account,
  ) {}

  /** The access token calls carry now; a rapid-upload proof is computed from it. */
  token(): Promise<string> {
    return this.account.accessToken();
  }

  async call<S extends z.ZodType>(path: string, body: Body, schema: S, where: string): Promise<z.infer<S>> {
    let token = await this.account.accessToken();
    for (let attempt = 0; ; attempt++) {
      await this.account.spacers[aliyunRateGroupOf(path)].take();
      const payload = typeof body === 'function' ? body(token) : body;
      let status: number;
      let text: string;
      let retryAfter: string | undefined;
      try {
        const res = await request(`${this.endpoint}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(payload),
        });
        status = res.statusCode;
        const header = res.headers['x-retry-after'];
        retryAfter = Array.isArray(header) ? header[0] : header;
        text = await res.body.text();
      } catch (err) {
        throw networkError(err, where);
      }
      if (status === 200) {
        const parsed = schema.safeParse(parseJson(text));
        if (!parsed.success) throw new TransientError(`${where}: unexpected answer from ${path}: ${parsed.error.issues[0]?.message ?? ''}`);
        return parsed.data;
      }
      const failure = parseFailure(status, text);
      // A token handed over by another caller's refresh may itself be gone by the time this call
      // uses it (a long call, a short-lived token): one more refresh, never an endless loop.
      if (attempt < 2 && ALIYUN_ACCESS_TOKEN_ERROR_CODES.includes(failure.code)) {
        token = await this.account.replace(token);
        continue;
      }
      if (status === 502) throw new TransientError(`${where}: Aliyun Drive answered 502 Bad Gateway; try again later`, { cause: failure });
      throw typedError(failure, where, retryAfter);
    }
  }
}


function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
