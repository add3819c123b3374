import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { HttpError } from './http-errors.js';
import { sameToken } from './token.js';

export const SESSION_COOKIE = 'ferry_session';

const READS = new Set(['GET', 'HEAD']);

/**
 * The page's Content-Security-Policy: its own script and style files only, no inline code, no
 * other origin, no framing. Listing names reach the page as data and are set as text.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers every answer carries: no sniffing, no framing, no Referer (the page URL may hold the token). */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('X-Frame-Options', 'DENY');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('Cache-Control', 'no-store');
};

/** The token a request carries: `Authorization: Bearer`, `X-Ferry-Token`, or the session cookie. */
function presented(c: Context): { token: string | undefined; byCookie: boolean } {
  const auth = c.req.header('authorization');
  const bearer = auth && /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
  const header = bearer || c.req.header('x-ferry-token');
  if (header) return { token: header, byCookie: false };
  return { token: getCookie(c, SESSION_COOKIE), byCookie: true };
}

/**
 * Whether a request that changes state comes from the page itself. Browsers send Origin on every
 * such request and Sec-Fetch-Site on all of them lately; the cookie is SameSite=Strict too, and
 * a body must be JSON, which no cross-site form can send.
 */
function sameOrigin(c: Context, byCookie: boolean): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = c.req.header('origin');
  if (origin !== undefined) return origin === `${new URL(c.req.url).protocol}//${c.req.header('host') ?? ''}`;
  // A cookie alone proves nothing about who sent the request: without Origin, only a header token will do.
  return !byCookie || site === 'same-origin';
}

/** Every API call needs the token; a call that changes state also needs to come from this origin. */
export function requireToken(token: string): MiddlewareHandler {
  return async (c, next) => {
    const given = presented(c);
    if (!sameToken(given.token, token)) {
      throw new HttpError(401, 'a token is needed: open the URL `ferry serve` printed, or send Authorization: Bearer TOKEN');
    }
    if (!READS.has(c.req.method)) {
      if (!sameOrigin(c, given.byCookie)) throw new HttpError(403, 'refused: a request that changes state must come from the dashboard itself');
      const type = c.req.header('content-type');
      if (type !== undefined && !/^application\/json\b/i.test(type)) throw new HttpError(415, 'send the request body as application/json');
    }
    await next();
  };
}
