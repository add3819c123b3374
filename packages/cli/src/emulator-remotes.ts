import type { AliyunEmulator, Emulator115, Emulator115User, S3Emulator } from '@ferry/emulators';

/** A remote's config entry: its type and options, as `ferry remote add` would store them. */
export type RemoteEntry = { type: string } & Record<string, string | number | boolean>;

/**
 * A p115 remote that reaches the 115 emulator as `user`. OSS keeps its real host names, as
 * getuploadinfo hands them out; `connect_to` routes them to the emulator, over plain HTTP.
 */
export function p115RemoteFor(emu: Emulator115, user: Emulator115User): RemoteEntry {
  return {
    type: 'p115',
    cookie: user.cookie,
    webapi_url: emu.hosts.webapi,
    proapi_url: emu.hosts.proapi,
    passportapi_url: emu.hosts.passportapi,
    qrcodeapi_url: emu.hosts.qrcodeapi,
    lixian_url: emu.hosts.lixian,
    uplb_url: emu.hosts.uplb,
    rsa_n: emu.rsa_n,
    rsa_e: emu.rsa_e,
    ecdh_pub: emu.ecdh_pub,
    oss_scheme: 'http',
    connect_to: `*.aliyuncs.com=${emu.ossConnect}`,
  };
}

/** An aliyun-open remote that reaches the Aliyun emulator with its start-up refresh token. */
export function aliyunRemoteFor(emu: AliyunEmulator): RemoteEntry {
  return {
    type: 'aliyun-open',
    refresh_token: emu.refresh_token,
    client_id: emu.client_id,
    client_secret: emu.client_secret,
    endpoint: emu.base,
  };
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
  return {
    type: 's3',
    endpoint: emu.endpoint,
    region: emu.region,
    bucket: emu.bucket,
    access_key_id: emu.access_key_id,
    secret_access_key: emu.secret_access_key,
    force_path_style: true,
  };
}
