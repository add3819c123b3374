import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { z } from 'zod';
import { sleep } from './backoff.js';
import { BadInput, TransientError } from './errors.js';

export interface FileLockTimes {
  /**
   * A lock file untouched for this long is presumed abandoned: its holder hung, or lives on
   * another host where its pid cannot be checked. A live holder touches it every third of this.
   */
  staleMs: number;
  /** How long to wait for another holder before giving up with a retryable error. */
  waitMs: number;
}

const DEFAULT_TIMES: FileLockTimes = { staleMs: 10_000, waitMs: 120_000 };

/** Breaking a stale lock takes a moment; a breaker gone for this long left its guard behind. */
const GUARD_STALE_MS = 5_000;

const holderSchema = z.object({ pid: z.number().int().positive(), host: z.string(), nonce: z.string() });
type Holder = z.infer<typeof holderSchema>;

/** A lock file as seen once: its identity decides, at removal time, whether it is still that one. */
interface Seen {
  holder: Holder | undefined;
  ageMs: number;
  identity: string;
}

/**
 * Runs `fn` holding the lock file `path`, created with O_EXCL, so every process on this machine
 * (and on a shared file system) that uses the same path takes turns. The file names its holder's
 * pid and host: a lock whose holder on this host is dead, or which nobody touched for `staleMs`,
 * is removed (under a second, short-lived guard file, so two waiters never both remove it and
 * delete a fresh one). The file holds no secret, only who holds it.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, times: Partial<FileLockTimes> = {}): Promise<T> {
  const { staleMs, waitMs } = { ...DEFAULT_TIMES, ...times };
  const me: Holder = { pid: process.pid, host: hostname(), nonce: randomBytes(8).toString('hex') };
  const deadline = Date.now() + waitMs;
  await fs.mkdir(dirname(path), { recursive: true, mode: 0o700 }).catch((err: unknown) => {
    throw unwritable(path, err);
  });
  while (!(await create(path, me))) {
    const seen = await look(path);
    if (seen && isStale(seen, staleMs)) {
      await breakLock(path, seen);
      continue;
    }
    if (Date.now() > deadline) {
      const who = seen?.holder ? `process ${seen.holder.pid} on ${seen.holder.host}` : 'another process';
      throw new TransientError(`lock ${path} is held by ${who}; try again (remove the file if no Ferry process is running)`);
    }
    await sleep(15 + Math.random() * 35);
  }
  // A long hold (a slow token endpoint) must not look abandoned to the others.
  const touch = setInterval(() => {
    const now = new Date();
    fs.utimes(path, now, now).catch(() => undefined);
  }, staleMs / 3);
  touch.unref();
  try {
    return await fn();
  } finally {
    clearInterval(touch);
    await release(path, me);
  }
}

async function create(path: string, holder: Holder): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw unwritable(path, err);
  }
  try {
    await handle.writeFile(JSON.stringify(holder));
  } finally {
    await handle.close();
  }
  return true;
}

/** Better to stop before a single-use token is spent than to spend it and fail to save the next. */
function unwritable(path: string, err: unknown): BadInput {
  const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  return new BadInput(`cannot create the lock file ${path} (${why}); Ferry processes take turns through it, so its folder must be writable`);
}

/** The lock file now, or undefined when it is gone. A holder still writing its name shows none. */
async function look(path: string): Promise<Seen | undefined> {
  try {
    const [text, stat] = await Promise.all([fs.readFile(path, 'utf8'), fs.stat(path)]);
    let holder: Holder | undefined;
    try {
      const parsed = holderSchema.safeParse(JSON.parse(text));
      holder = parsed.success ? parsed.data : undefined;
    } catch {
      holder = undefined;
    }
    return { holder, ageMs: Date.now() - stat.mtimeMs, identity: `${stat.ino}:${stat.mtimeMs}:${text}` };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function isStale(seen: Seen, staleMs: number): boolean {
  if (seen.ageMs > staleMs) return true;
  return seen.holder !== undefined && seen.holder.host === hostname() && !isAlive(seen.holder.pid);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: alive, only not ours to signal.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the lock seen as stale, if it is still that very file once this process may judge alone. */
async function breakLock(path: string, stale: Seen): Promise<void> {
  const guard = `${path}.break`;
  const me: Holder = { pid: process.pid, host: hostname(), nonce: randomBytes(8).toString('hex') };
  if (!(await create(guard, me))) {
    const other = await look(guard);
    if (other && isStale(other, GUARD_STALE_MS)) await removeIfSame(guard, other);
    await sleep(5 + Math.random() * 10);
    return;
  }
  try {
    await removeIfSame(path, stale);
  } finally {
    await fs.rm(guard, { force: true });
  }
}

async function removeIfSame(path: string, seen: Seen): Promise<void> {
  const now = await look(path);
  if (now && now.identity === seen.identity) await fs.rm(path, { force: true });
}

/** Frees the lock unless it was broken and someone else holds it now. */
async function release(path: string, me: Holder): Promise<void> {
  const now = await look(path);
  if (now?.holder?.nonce === me.nonce) await fs.rm(path, { force: true });
}
