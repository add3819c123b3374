import type { EmulatorRemote } from '@ferry/emulators';

function shellQuote(value: string): string {
  return /^[\w.:/@%+=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The `ferry remote add` command line that creates the remote an emulator stands in for. */
export function remoteAddLine(name: string, { type, ...options }: EmulatorRemote): string {
  const args = Object.entries(options).map(([k, v]) => shellQuote(`${k}=${v}`));
  return `ferry remote add ${name} ${type} ${args.join(' ')}`;
}
