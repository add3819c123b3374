import { type BackoffPolicy, defaultBackoff, retryDelay, sleep } from './backoff.js';
import type { Entry } from './entry.js';
import { isRetryable } from './errors.js';
import { isPartialName } from './names.js';
import type { Provider } from './provider.js';

/**
 * A folder listing that survives temporary failures (a dropped connection, a rate limit half-way
 * through a 115 folder of many pages): it starts the listing again after a backoff and skips the
 * children it has already yielded (by id where the provider gives one: a 115 folder can hold
 * several files of one name), so the walk sees every child exactly once.
 */
export async function* listWithRetry(
  provider: Provider,
  dir: string,
  retries = 3,
  backoff: BackoffPolicy = defaultBackoff,
): AsyncGenerator<Entry> {
  const seen = new Set<string>();
  for (let attempt = 1; ; attempt++) {
    try {
      for await (const entry of provider.list(dir)) {
        const key = entry.id === undefined ? `name:${entry.name}` : `id:${entry.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        yield entry;
      }
      return;
    } catch (err) {
      if (!isRetryable(err) || attempt > retries) throw err;
      await sleep(retryDelay(attempt, err, backoff));
    }
  }
}

/** How many files a folder holds at any depth, unfinished copies (`.ferry-partial-*`) left out as the planner leaves them. */
export async function countFilesBelow(provider: Provider, dir: string, retries?: number, backoff?: BackoffPolicy): Promise<number> {
  let files = 0;
  const folders = [dir];
  for (let next = folders.pop(); next !== undefined; next = folders.pop()) {
    for await (const entry of listWithRetry(provider, next, retries, backoff)) {
      if (entry.isDir) folders.push(entry.path);
      else if (!isPartialName(entry.name)) files++;
    }
  }
  return files;
}
