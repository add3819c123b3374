/** One file or folder as a provider sees it. `path` is absolute inside the remote ("/a/b.txt"). */
export interface Entry {
  path: string;
  name: string;
  isDir: boolean;
  size: number;
  /** Modification time in milliseconds since the epoch, when the provider knows it. */
  mtime?: number;
  /** Lower-case hex SHA-1, when the provider lists it for free. */
  sha1?: string;
  /** The provider's own id (115 file id, Aliyun file_id), kept as a string. */
  id?: string;
}

const SHA1_RE = /^[0-9a-fA-F]{40}$/;

/** Providers hand out upper- or lower-case hex; the model holds lower-case or nothing. */
export function normalizeSha1(value: string | undefined | null): string | undefined {
  if (!value || !SHA1_RE.test(value)) return undefined;
  return value.toLowerCase();
}
