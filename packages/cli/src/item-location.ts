import { basename, dirname, resolve } from 'node:path';
import { type Location, parseRemotePath } from '@ferry/core';
import type { CliContext } from './context.js';

/**
 * A location whose item itself can be removed or moved. A bare local path is otherwise the root of
 * its own local remote, which no provider removes; here it is the item `/name` inside its parent
 * folder, so `ferry purge ./old` and `ferry move a.txt dst/` can take it away.
 */
export function locateItem(ctx: CliContext, arg: string): Location {
  if (parseRemotePath(arg).remote !== undefined) return ctx.locate(arg);
  const abs = resolve(arg);
  const parent = dirname(abs);
  if (parent === abs) return ctx.locate(arg);
  const folder = ctx.locate(parent);
  return { provider: folder.provider, path: `/${basename(abs)}`, display: abs };
}
