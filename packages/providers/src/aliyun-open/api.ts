import { TransientError } from '@ferry/core';
import { ALIYUN_ACCESS_TOKEN_ERROR_CODES, aliyunRateGroupOf } from '@ferry/protocols';
import { request } from '../http/undici.js';
import type { z } from 'zod';
import { networkError, parseFailure, typedError } from './errors.js';
import type { Account } from './token.js';

/** A body, or a function of the access token for bodies that depend on it (the rapid-upload proof). */
export type Body = Record<string, unknown> | ((accessToken: string) => Record<string, unknown>);

/** An answer refusing the access token the call carried. */
const TOKEN_REFUSED = Symbol('token refused');

/**
 * JSON calls to the Open API: paced per endpoint group, authenticated, answers parsed with zod.
 * A call refused for its access token renews the token and is sent again (an explicit protocol
 * step); every other failure is a typed error for the pacer and the engine to decide on.
 */
export class AliyunOpenApi {
  constructor(
    readonly endpoint: string,
    private readonly account: Account,
  ) {}

  /** The access token calls carry now; a rapid-upload proof is computed from it. */
  token(): Promise<string> {
    return this.account.accessToken();
  }

  /** The account key once getDriveInfo named the user: remotes of one user share one budget. */
  identify(userId: string): void {
    this.account.identify(userId);
  }

  get pacingAccount(): string {
    return this.account.pacer.account;
  }

  async call<S extends z.ZodType>(path: string, body: Body, schema: S, where: string): Promise<z.infer<S>> {
    const token = await this.account.accessToken();
    const first = await this.send(path, body, token, schema, where, true);
    if (first !== TOKEN_REFUSED) return first;
    const renewed = await this.account.replace(token);
    const second = await this.send(path, body, renewed, schema, where, true);
    if (second !== TOKEN_REFUSED) return second;
    // The renewed token was handed over by another caller's refresh and is already gone too (a
    // long call, a short-lived token): this renewal refreshes, and its token is the last try.
    return this.send(path, body, await this.account.replace(renewed), schema, where, false) as Promise<z.infer<S>>;
  }

  /** One request, paced in its rate group: the parsed answer, TOKEN_REFUSED (when `renewable`), or a typed error. */
  private send<S extends z.ZodType>(path: string, body: Body, token: string, schema: S, where: string, renewable: boolean): Promise<z.infer<S> | typeof TOKEN_REFUSED> {
    return this.account.pacer.call(aliyunRateGroupOf(path), async () => {
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
      if (renewable && ALIYUN_ACCESS_TOKEN_ERROR_CODES.includes(failure.code)) return TOKEN_REFUSED;
      if (status === 502) throw new TransientError(`${where}: Aliyun Drive answered 502 Bad Gateway; try again later`, { cause: failure });
      throw typedError(failure, where, retryAfter);
    });
  }
}


function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
