import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

/**
 * Makes a reader that went away (`ferry ls / | head -1`) end Ferry as it ends coreutils and
 * rclone: silently, killed by SIGPIPE. Installed once at start-up on stdout and stderr, so every
 * command is covered, whatever it writes and however. Without it Node reports the EPIPE as an
 * unhandled 'error' event: a stack trace and exit status 1.
 */
export function endQuietlyWhenReaderLeaves(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => onWriteError(err, 'stdout'));
  process.stderr.on('error', (err: NodeJS.ErrnoException) => onWriteError(err, 'stderr'));
}

/**
 * Writes to stdout at its reader's pace: resolves at once while stdout takes more, else once it
 * has drained, so a long listing into a slow reader waits instead of piling up in memory (Node
 * writes to a pipe asynchronously and buffers without limit otherwise). A loop that awaits it
 * stops producing (listing, hashing) when the reader has left, and never runs past a failed write.
 */
export async function writeOut(text: string, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const more = out.write(text);
  await settled(out, more);
}

/**
 * Resolves once what was written to stdout so far has reached its reader, so that what is said
 * next on stderr (a summary) comes after it, or never when the reader has left.
 */
export async function flushOut(out: NodeJS.WritableStream = process.stdout): Promise<void> {
  await new Promise<void>((resolve) => out.write('', () => resolve()));
  await settled(out, true);
}

/**
 * A failed write destroys the stream at once but reports its error a tick later: waiting for the
 * stream to finish lets endQuietlyWhenReaderLeaves act on that report first (else it rejects).
 */
async function settled(out: NodeJS.WritableStream, more: boolean): Promise<void> {
  if ((out as Writable).destroyed) await finished(out);
  else if (!more) await once(out, 'drain');
}

function onWriteError(err: NodeJS.ErrnoException, stream: 'stdout' | 'stderr'): void {
  if (err.code === 'EPIPE') dieOfSigpipe();
  // Any other failure (a full disk behind `> file`) is the user's to know about, when stderr still works.
  if (stream === 'stdout') process.stderr.write(`ferry: cannot write to stdout: ${err.message}\n`);
  process.exit(1);
}

/**
 * Killed by the signal, as coreutils is, rather than exit(141): a parent that is not a shell sees
 * "killed by SIGPIPE" (a shell prints 141 either way), which is what tells it the reader left.
 * Node starts with SIGPIPE ignored; adding and removing a listener hands it back to the default
 * action (libuv restores SIG_DFL when the last listener goes), so the signal sent next ends the
 * process at once, with no exit handlers run and nothing more written. exit(141) stays as the
 * fallback for a platform where it does not (Windows has no SIGPIPE).
 */
function dieOfSigpipe(): never {
  const ignore = () => {};
  process.on('SIGPIPE', ignore);
  process.off('SIGPIPE', ignore);
  try {
    process.kill(process.pid, 'SIGPIPE');
  } catch {
    // No such signal here: exit with the status a shell reports for it.
  }
  process.exit(128 + 13);
}
