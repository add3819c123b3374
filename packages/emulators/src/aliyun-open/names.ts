import { invalidParameter } from './api-error.js';

/** Names are at most 1024 UTF-8 bytes and hold no slash (a trailing one is refused by the SDK's rule). */
export function checkFileName(name: string): string {
  if (name === '' || Buffer.byteLength(name) > 1024 || name.includes('/') || name === '.' || name === '..') {
    throw invalidParameter('Name');
  }
  return name;
}
