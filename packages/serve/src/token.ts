import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { BadInput } from '@ferry/core';

/** Shorter tokens are refused: the token is all that stands between the network and the queue. */
const MIN_TOKEN_LENGTH = 16;

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * The token of `--token-file`: its first line, kept across restarts so bookmarks and scripts keep
 * working. A missing file is created (mode 0600) with a fresh token.
 */
export async function tokenFromFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new BadInput(`--token-file ${path}: ${(err as Error).message}`);
    const token = newToken();
    await fs.writeFile(path, `${token}\n`, { mode: 0o600, flag: 'wx' });
    return token;
  }
  const token = (text.split(/\r?\n/)[0] ?? '').trim();
  if (token.length < MIN_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(token)) {
    throw new BadInput(`--token-file ${path}: the token must be one line of at least ${MIN_TOKEN_LENGTH} printable characters`);
  }
  return token;
}

/** Compares in constant time (over digests, so lengths leak nothing either). */
export function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}
