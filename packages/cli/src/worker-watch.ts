import { type FerryQueues, unservedQueues } from '@ferry/worker';

const CHECK_MS = 3000;

/**
 * While a queued transfer is followed, says so each time its queues go without a worker: a
 * transfer nobody picks up would otherwise show "files 0/0" for as long as one waits. Returns the
 * function that stops watching.
 */
export function watchWorkers(queues: FerryQueues, redisShown: string, say: (line: string) => void): () => void {
  let unserved = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const check = async () => {
    try {
      const missing = await unservedQueues(queues.redis, queues.keys);
      if (missing.length > 0 && !unserved && !stopped) say(noWorkerLine(missing, queues.prefix, redisShown));
      unserved = missing.length > 0;
    } catch {
      // A Redis that went away is the follow loop's to report; the next check tries again.
    }
    if (stopped) return;
    timer = setTimeout(() => void check(), CHECK_MS);
    timer.unref();
  };
  void check();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

function noWorkerLine(missing: string[], prefix: string, redisShown: string): string {
  const all = missing.length > 1;
  const what = all ? prefix : `the ${missing[0]!} queue of ${prefix}`;
  const start = all ? '`ferry worker`' : `\`ferry worker --queues ${missing[0]!}\``;
  return `ferry: no worker is serving ${what} on ${redisShown}: start one with ${start}; still waiting (Ctrl-C leaves the transfer queued)`;
}
