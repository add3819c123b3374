import { AuthError, BadInput, NotFound, TransientError } from '@ferry/core';

/** Turns Node's errno errors into Ferry's typed errors, with the path the user gave. */
export function mapFsError(err: unknown, where: string): Error {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new NotFound(`${where}: no such file or folder`, { cause: err });
    case 'EACCES':
    case 'EPERM':
      // The provider contract: a refused access is AuthError, whatever the store.
      return new AuthError(`${where}: permission denied`, { cause: err });
    case 'EISDIR':
      return new BadInput(`${where}: is a folder`, { cause: err });
    case 'ENOSPC':
      return new BadInput(`${where}: no space left on device`, { cause: err });
    case 'EROFS':
      return new BadInput(`${where}: read-only file system`, { cause: err });
    case 'EMFILE':
    case 'EBUSY':
    case 'EAGAIN':
      return new TransientError(`${where}: ${(err as Error).message}`, { cause: err });
    default:
      return err instanceof Error ? err : new Error(String(err));
  }
}
