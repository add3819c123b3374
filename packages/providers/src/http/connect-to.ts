import type { buildConnector } from 'undici';

/**
 * A connect-to map, what curl calls `--connect-to`: the URL, the Host header and the TLS server
 * name stay those of the real service; only the TCP connection goes elsewhere. It lets a provider
 * reach host names a service hands out (`<bucket>.oss-cn-shenzhen.aliyuncs.com`) on an emulator,
 * without rewriting URLs.
 *
 * Text form: comma-separated `HOST[:PORT]=ADDRESS:PORT`. HOST is a name, or `*.domain` for every
 * name under domain (not domain itself); without `:PORT` any port matches. The first match wins.
 */
export interface ConnectRule {
  /** Lower-case name, or `.domain` for a `*.domain` pattern. */
  host: string;
  port: number | undefined;
  address: string;
  targetPort: number;
}

const RULE = /^(\*\.)?([a-z0-9.-]+)(?::(\d{1,5}))?=([a-z0-9.-]+|\[[0-9a-f:]+\]):(\d{1,5})$/i;

/** The rules of a connect-to text; undefined when any entry is malformed. "" is no rules. */
export function parseConnectTo(text: string): ConnectRule[] | undefined {
  const rules: ConnectRule[] = [];
  for (const entry of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = RULE.exec(entry);
    if (!m) return undefined;
    const port = m[3] === undefined ? undefined : Number(m[3]);
    const targetPort = Number(m[5]);
    if ((port !== undefined && port > 65535) || targetPort < 1 || targetPort > 65535) return undefined;
    rules.push({ host: `${m[1] ? '.' : ''}${m[2]!.toLowerCase()}`, port, address: m[4]!.replace(/^\[|\]$/g, ''), targetPort });
  }
  return rules;
}

/** Where a connection to hostname:port goes, or undefined to connect as addressed. */
export function connectTarget(rules: readonly ConnectRule[], hostname: string, port: number): { address: string; port: number } | undefined {
  const name = hostname.toLowerCase();
  const rule = rules.find((r) => (r.port === undefined || r.port === port) && (r.host.startsWith('.') ? name.endsWith(r.host) : name === r.host));
  return rule && { address: rule.address, port: rule.targetPort };
}

/** An undici `connect` that dials the mapped address and keeps the real name for TLS (SNI). */
export function connectVia(rules: readonly ConnectRule[], dial: buildConnector.connector): buildConnector.connector {
  return (options, callback) => {
    const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
    const target = connectTarget(rules, options.hostname, port);
    if (!target) return dial(options, callback);
    return dial({ ...options, hostname: target.address, port: String(target.port), servername: options.servername || options.hostname }, callback);
  };
}
