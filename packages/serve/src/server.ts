import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { BadInput } from '@ferry/core';
import type { FerryQueues } from '@ferry/worker';
import { createApp } from './app.js';
import type { ServerConfig } from './submissions.js';

export interface ServeOptions {
  queues: FerryQueues;
  config: ServerConfig;
  token: string;
  host: string;
  port: number;
  log?: (line: string) => void;
}

export interface RunningServer {
  /** The page's address with the token, to be printed for the user. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** `host:port`, `[v6]:port`, `:port` or a port alone; the host defaults to 127.0.0.1. */
export function parseAddr(addr: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*))?:?(\d{1,5})$/.exec(addr);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new BadInput(`--addr takes HOST:PORT (127.0.0.1:7878), got '${addr}'`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

export function startServer(options: ServeOptions): Promise<RunningServer> {
  const { app, feed } = createApp(options);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, (info: AddressInfo) => {
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}/?token=${encodeURIComponent(options.token)}`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            feed.close();
            server.close(() => done());
            // Open event streams would hold the server open forever.
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new BadInput(`--addr ${options.host}:${options.port} is in use (pick another port)`) : err),
    );
  });
}
