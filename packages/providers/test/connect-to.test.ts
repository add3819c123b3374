import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, buildConnector, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { connectTarget, connectVia, parseConnectTo } from '../src/http/connect-to.js';
import { p115Options } from '../src/index.js';

describe('connect-to map', () => {
  it('parses HOST[:PORT]=ADDRESS:PORT entries and refuses anything else', () => {
    expect(parseConnectTo('')).toEqual([]);
    expect(parseConnectTo('*.aliyuncs.com=127.0.0.1:8080, fhnfile.example.com:443=[::1]:9')).toEqual([
      { host: '.aliyuncs.com', port: undefined, address: '127.0.0.1', targetPort: 8080 },
      { host: 'fhnfile.example.com', port: 443, address: '::1', targetPort: 9 },
    ]);
    for (const bad of ['aliyuncs.com', '*.aliyuncs.com=127.0.0.1', 'a.com=b:0', 'a.com=b:70000', 'a*.com=b:1', 'http://a.com=b:1']) {
      expect(parseConnectTo(bad), bad).toBeUndefined();
    }
    expect(p115Options.safeParse({ connect_to: 'nonsense' }).success).toBe(false);
  });

  it('matches a name exactly, *.domain every name under it (not the domain), and the port when one is named', () => {
    const rules = parseConnectTo('exact.example.com:80=10.0.0.1:1,*.aliyuncs.com=10.0.0.2:2')!;
    expect(connectTarget(rules, 'exact.example.com', 80)).toEqual({ address: '10.0.0.1', port: 1 });
    expect(connectTarget(rules, 'exact.example.com', 443)).toBeUndefined();
    expect(connectTarget(rules, 'FHNFILE.oss-cn-shenzhen.aliyuncs.com', 443)).toEqual({ address: '10.0.0.2', port: 2 });
    expect(connectTarget(rules, 'aliyuncs.com', 443)).toBeUndefined();
    expect(connectTarget(rules, 'other.example.com', 80)).toBeUndefined();
  });

  it('connects to the mapped address while the URL and Host header stay the real ones', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.headers.host} ${req.url}`);
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const agent = new Agent({ connect: connectVia(parseConnectTo(`*.oss-cn-shenzhen.aliyuncs.com=127.0.0.1:${(server.address() as AddressInfo).port}`)!, buildConnector({})) });
    try {
      const res = await request('http://fhnfile.oss-cn-shenzhen.aliyuncs.com/some/object?uploads', { dispatcher: agent });
      expect(await res.body.text()).toBe('ok');
      expect(seen).toEqual(['fhnfile.oss-cn-shenzhen.aliyuncs.com /some/object?uploads']);
    } finally {
      await agent.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
