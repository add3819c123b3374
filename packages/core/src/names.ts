import { BadInput } from './errors.js';

/**
 * Names come from listings we do not control (a 115 share can hold `../../.bashrc`), so every
 * name is checked before it is joined into a path that a target will write.
 */
export function checkName(name: string, where: string): string {
  if (
    name === '' ||
    name === '.' ||
    name === '..' ||
    name.includes('/') ||
    name.includes('\\') ||
    name.includes('\0')
  ) {
    throw new BadInput(`refused unsafe name ${JSON.stringify(name)} in ${where}`);
  }
  return name;
}

/** Files a target is still writing carry this prefix and are never listed as real content. */
export const PARTIAL_PREFIX = '.ferry-partial-';

export function isPartialName(name: string): boolean {
  return name.startsWith(PARTIAL_PREFIX);
}

/** Joins a remote-absolute folder path and a relative path ("a/b") into "/dir/a/b". */
export function joinPath(dir: string, rel: string): string {
  if (rel === '') return dir;
  return dir.endsWith('/') ? `${dir}${rel}` : `${dir}/${rel}`;
}

/** Normalises a user-written remote path: leading slash, no trailing slash, no empty parts. */
export function normalizePath(path: string): string {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new BadInput(`'..' is not allowed in remote path ${JSON.stringify(path)}`);
  return '/' + parts.join('/');
}

export function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}
