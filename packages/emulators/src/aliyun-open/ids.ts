import { randomBytes } from 'node:crypto';

/** File and upload ids look like the service's: 40 lower-case hex digits, opaque to clients. */
export function newId(): string {
  return randomBytes(20).toString('hex');
}

export function newRequestId(): string {
  const h = randomBytes(16).toString('hex').toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
