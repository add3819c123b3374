import { BadInput, checkName } from '@ferry/core';

/**
 * Remote paths and object keys. The remote's root is `prefix` inside the bucket; folders are key
 * prefixes ending in "/". Every name is checked, so a hostile source listing cannot write "..".
 */
export class KeyMap {
  /** "" or "some/folder/" */
  readonly root: string;

  constructor(prefix: string) {
    const parts = prefix.split('/').filter((p) => p !== '');
    for (const part of parts) checkName(part, `prefix ${JSON.stringify(prefix)}`);
    this.root = parts.length ? `${parts.join('/')}/` : '';
  }

  private names(path: string, where: string): string[] {
    const parts = path.split('/').filter((p) => p !== '');
    for (const part of parts) checkName(part, where);
    return parts;
  }

  /** The key of a file at `path`. */
  fileKey(path: string, where: string): string {
    const names = this.names(path, where);
    if (names.length === 0) throw new BadInput(`${where}: the remote's root is a folder, not a file`);
    return this.root + names.join('/');
  }

  /** The key prefix of a folder at `path` ("" for the bucket's root). */
  dirPrefix(path: string, where: string): string {
    const names = this.names(path, where);
    return names.length ? `${this.root}${names.join('/')}/` : this.root;
  }

  /** The remote path of a key below the root. */
  pathOf(key: string): string {
    return `/${key.slice(this.root.length).replace(/\/+$/, '')}`;
  }
}
