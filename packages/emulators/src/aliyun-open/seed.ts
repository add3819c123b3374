import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { DriveStore } from './store.js';

/** Copies a folder of real files into a drive, keeping the tree; symlinks are not followed. */
export async function seedFromFolder(store: DriveStore, driveId: string, folder: string, prefix = ''): Promise<number> {
  let count = 0;
  for (const dirent of await fs.readdir(folder, { withFileTypes: true })) {
    const abs = join(folder, dirent.name);
    const path = `${prefix}/${dirent.name}`;
    if (dirent.isDirectory()) {
      store.mkdirPath(driveId, path);
      count += await seedFromFolder(store, driveId, abs, path);
    } else if (dirent.isFile()) {
      store.putPath(driveId, path, await fs.readFile(abs));
      count++;
    }
  }
  return count;
}
