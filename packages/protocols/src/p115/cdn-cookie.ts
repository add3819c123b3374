/**
 * The cookie a downurl reply sets for the CDN URL it hands out (web notes §3.4, `f=3`): such a URL
 * needs the same User-Agent and that cookie on every request (p115client); wiserain/rclone keeps
 * the reply's cookies with the URL and sends them back.
 */

/**
 * `Set-Cookie` header values as the `Cookie` header that sends them back: the name=value pairs
 * in order, attributes (path, domain, expiry) dropped. Undefined when the reply set none.
 */
export function cookieHeaderOf(setCookie: string | readonly string[] | undefined): string | undefined {
  const lines = typeof setCookie === 'string' ? [setCookie] : (setCookie ?? []);
  const pairs: string[] = [];
  for (const line of lines) {
    const pair = line.split(';', 1)[0]!.trim();
    if (pair.indexOf('=') > 0) pairs.push(pair);
  }
  return pairs.length ? pairs.join('; ') : undefined;
}
