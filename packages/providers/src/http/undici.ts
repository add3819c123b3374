import type * as Undici from 'undici';

let loaded: Promise<typeof Undici> | undefined;

/**
 * undici, loaded on the first request: a run that never leaves local disk (`ferry hash FILE`)
 * is spared a fifth of a second of start-up.
 */
export function undici(): Promise<typeof Undici> {
  return (loaded ??= import('undici'));
}

export async function request(...args: Parameters<typeof Undici.request>): ReturnType<typeof Undici.request> {
  return (await undici()).request(...args);
}
