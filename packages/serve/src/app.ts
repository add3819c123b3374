import { readFileSync } from 'node:fs';
import { type Context, Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import type { FerryQueues } from '@ferry/worker';
import { api } from './api.js';
import { CONTENT_SECURITY_POLICY, SESSION_COOKIE, requireToken, securityHeaders } from './guard.js';
import { httpErrorOf } from './http-errors.js';
import { LiveFeed } from './live-feed.js';
import type { ServerConfig } from './submissions.js';
import { sameToken } from './token.js';

/** The page ships built in the package: plain files, no bundler, read once at start. */
const PUBLIC = new URL('../public/', import.meta.url);
const ASSETS: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

export interface AppOptions {
  queues: FerryQueues;
  config: ServerConfig;
  token: string;
  log?: (line: string) => void;
}

export function createApp(options: AppOptions): { app: Hono; feed: LiveFeed } {
  const { queues, config, token } = options;
  const assets = new Map(Object.entries(ASSETS).map(([name, type]) => [name, { type, body: readFileSync(new URL(name, PUBLIC)) }]));
  const feed = new LiveFeed(queues, (err) => options.log?.(`live view: ${httpErrorOf(err).message}`));
  const app = new Hono();

  app.use('*', securityHeaders);
  app.onError((err, c) => {
    const { status, message } = httpErrorOf(err);
    if (status === 500) options.log?.(`${c.req.method} ${new URL(c.req.url).pathname}: ${message}`);
    return c.json({ error: message }, status);
  });
  app.notFound((c) => c.json({ error: `no such route: ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));

  const page = (c: Context, name: string) => {
    const asset = assets.get(name)!;
    c.header('Content-Type', asset.type);
    if (name === 'index.html') c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    return c.body(asset.body);
  };
  app.get('/', (c) => {
    const given = c.req.query('token');
    if (given === undefined) return page(c, 'index.html');
    // The token leaves the address bar (and history) at once; the session cookie carries it on.
    if (sameToken(given, token)) {
      setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/' });
    }
    return c.redirect('/', 303);
  });
  app.get('/app.js', (c) => page(c, 'app.js'));
  app.get('/app.css', (c) => page(c, 'app.css'));

  app.use('/api/*', requireToken(token));
  app.route('/api', api({ queues, config, feed }));
  return { app, feed };
}
