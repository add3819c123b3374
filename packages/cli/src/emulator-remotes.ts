import {
  type AliyunEmulator,
  type Emulator115,
  type Emulator115User,
  type S3Emulator,
  aliyunEmulatorOptions,
  p115EmulatorOptions,
  s3EmulatorOptions,
} from '@ferry/emulators';

/** A remote's config entry: its type and options, as `ferry remote add` would store them. */
export type RemoteEntry = { type: string } & Record<string, string | number | boolean>;

/** A p115 remote that reaches the 115 emulator as `user`. */
export function p115RemoteFor(emu: Emulator115, user: Emulator115User): RemoteEntry {
  return { type: 'p115', cookie: user.cookie, ...p115EmulatorOptions(emu) };
}

/** An aliyun-open remote that reaches the Aliyun emulator with its start-up refresh token. */
export function aliyunRemoteFor(emu: AliyunEmulator): RemoteEntry {
  return { type: 'aliyun-open', ...aliyunEmulatorOptions(emu) };
}

function shellQuote(value: string): string {
  return /^[\w.:/@%+=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The `ferry remote add` command line that creates this remote. */
export function remoteAddLine(name: string, { type, ...options }: RemoteEntry): string {
  const args = Object.entries(options).map(([k, v]) => shellQuote(`${k}=${v}`));
  return `ferry remote add ${name} ${type} ${args.join(' ')}`;
}

/** An s3 remote that reaches the S3 emulator's bucket, path-style. */
export function s3RemoteFor(emu: S3Emulator): RemoteEntry {
  return { type: 's3', ...s3EmulatorOptions(emu) };
}
