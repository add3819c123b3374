import type { EmulatorRemote } from '../remote-entry.js';
import type { P115Emulator } from './server.js';

/** The 115 emulator as started in-process (`ossConnect`) or as its `ferry emulate p115 --json` line prints it (`oss_connect`). */
export type P115EmulatorEndpoints = Pick<P115Emulator, 'hosts' | 'rsa_n' | 'rsa_e' | 'ecdh_pub'> & ({ ossConnect: string } | { oss_connect: string });

/**
 * The p115 remote options, all but the cookie, that point a client at this emulator: the one place
 * that knows which option names which of its hosts and keys (the CLI's `emulate p115` and demo remotes
 * and every test build on it). Plain strings, so the emulator needs no provider to say it. OSS keeps
 * its real host names, as getuploadinfo hands them out; `connect_to` routes them here, over plain HTTP.
 */
export function p115EmulatorOptions(e: P115EmulatorEndpoints): Record<string, string> {
  return {
    webapi_url: e.hosts.webapi,
    proapi_url: e.hosts.proapi,
    passportapi_url: e.hosts.passportapi,
    qrcodeapi_url: e.hosts.qrcodeapi,
    lixian_url: e.hosts.lixian,
    uplb_url: e.hosts.uplb,
    rsa_n: e.rsa_n,
    rsa_e: e.rsa_e,
    ecdh_pub: e.ecdh_pub,
    oss_scheme: 'http',
    connect_to: `*.aliyuncs.com=${'ossConnect' in e ? e.ossConnect : e.oss_connect}`,
  };
}

/** A p115 remote that reaches this emulator with `cookie` (one of its users'). */
export function p115EmulatorRemote(e: P115EmulatorEndpoints, cookie: string): EmulatorRemote {
  return { type: 'p115', cookie, ...p115EmulatorOptions(e) };
}
