import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { BadInput, type RunEvent } from '@ferry/core';
import {
  type FerryQueues,
  TransferEvents,
  addSchedule,
  cancelTransfer,
  deploymentStatus,
  listSchedules,
  listTransfers,
  removeSchedule,
  retryTransfer,
  runScheduleNow,
  transferFiles,
} from '@ferry/worker';
import { z } from 'zod';
import { notFound } from './http-errors.js';
import { LiveFeed } from './live-feed.js';
import { bodyOf } from './request-body.js';
import { type ServerConfig, importLinks, linksRequestSchema, checkLinks, submitRequest, transferRequestSchema } from './submissions.js';

const scheduleRequestSchema = z.strictObject({
  name: z.string().min(1),
  cron: z.string().min(1),
  mode: z.enum(['copy', 'sync']),
  source: z.string().min(1),
  target: z.string().min(1),
  delete: z.boolean().default(false),
});

/** Finished runs looked through for each schedule's last one. */
const SCHEDULE_HISTORY = 200;
const FINISHED = new Set(['completed', 'failed', 'unknown']);
const OUTCOMES = new Set(['done', 'partial', 'failed']);

export interface ApiDeps {
  queues: FerryQueues;
  config: ServerConfig;
  feed: LiveFeed;
}

async function existing(queues: FerryQueues, id: string): Promise<void> {
  if (!(await queues.transfers.getJob(id))) throw notFound(`no transfer '${id}'`);
}

/** The JSON API: every action the page takes, each one call (see the README for curl examples). */
export function api(deps: ApiDeps): Hono {
  const { queues, config, feed } = deps;
  const app = new Hono();

  app.get('/transfers', async (c) => {
    const limit = Math.min(500, Math.max(1, Number(c.req.query('limit')) || 50));
    return c.json({ transfers: await listTransfers(queues, limit) });
  });
  app.post('/transfers', async (c) => {
    const submitted = await submitRequest(queues, config, await bodyOf(c, transferRequestSchema));
    return c.json(submitted, submitted.existing ? 200 : 201);
  });
  app.get('/transfers/:id', async (c) => {
    const id = c.req.param('id');
    await existing(queues, id);
    return c.json(await transferFiles(queues, id));
  });
  app.post('/transfers/:id/retry', async (c) => {
    const id = c.req.param('id');
    await existing(queues, id);
    return c.json(await retryTransfer(queues, id), 201);
  });
  app.post('/transfers/:id/cancel', async (c) => {
    const id = c.req.param('id');
    await existing(queues, id);
    await cancelTransfer(queues, id);
    return c.json({ id, cancelled: true });
  });
  app.get('/transfers/:id/events', async (c) => {
    const id = c.req.param('id');
    await existing(queues, id);
    return streamSSE(c, async (stream) => {
      // XREAD BLOCK holds its connection: each stream reads on one of its own.
      const reader = queues.redis.duplicate();
      reader.on('error', () => {});
      const events = new TransferEvents(reader, queues.keys);
      let last = c.req.header('last-event-id') ?? '0';
      try {
        while (!stream.aborted) {
          const batch = await events.read(id, last, 1000);
          if (batch.events.length > 0) {
            last = batch.last;
            await stream.writeSSE({ event: 'run', id: last, data: JSON.stringify(batch.events satisfies RunEvent[]) });
            continue;
          }
          const state = await queues.transfers.getJobState(id);
          if (FINISHED.has(state)) {
            await stream.writeSSE({ event: 'end', data: JSON.stringify({ state }) });
            break;
          }
        }
      } finally {
        reader.disconnect();
      }
    });
  });

  app.post('/share-links/check', async (c) => {
    const { checks } = await checkLinks(config, await bodyOf(c, linksRequestSchema));
    return c.json({ links: checks });
  });
  app.post('/imports', async (c) => c.json({ links: await importLinks(queues, config, await bodyOf(c, linksRequestSchema)) }, 201));

  app.get('/schedules', async (c) => {
    const [schedules, recent] = await Promise.all([listSchedules(queues), listTransfers(queues, SCHEDULE_HISTORY)]);
    return c.json({
      schedules: schedules.map((s) => {
        const runs = recent.filter((t) => t.schedule === s.name).sort((a, b) => b.createdAt - a.createdAt);
        // A tick that found the previous run still going is a run that did nothing ("skipped"): not the one to show.
        const ended = runs.find((t) => OUTCOMES.has(t.state));
        return { ...s, lastRun: ended ?? runs[0] ?? null, running: runs.find((t) => !t.summary && t.state !== 'failed') ?? null };
      }),
    });
  });
  app.post('/schedules', async (c) => {
    const req = await bodyOf(c, scheduleRequestSchema);
    if (req.delete && req.mode !== 'sync') throw new BadInput('delete goes with sync only');
    const cfg = await config.load();
    for (const arg of [req.source, req.target]) await config.locate(arg, cfg).provider.close?.();
    const info = await addSchedule(queues, req.name, req.cron, {
      mode: req.mode,
      source: req.source,
      target: req.target,
      deleteExtraneous: req.delete,
      retries: cfg.defaults.retries ?? 3,
    });
    return c.json(info, 201);
  });
  app.delete('/schedules/:name', async (c) => {
    const name = c.req.param('name');
    if (!(await removeSchedule(queues, name))) throw notFound(`no schedule '${name}'`);
    return c.json({ name, removed: true });
  });
  app.post('/schedules/:name/run', async (c) => c.json({ id: await runScheduleNow(queues, c.req.param('name')) }, 201));

  app.get('/workers', async (c) => c.json(await deploymentStatus(queues)));
  app.get('/remotes', async (c) => {
    const cfg = await config.load();
    // Names and types only: options hold cookies and tokens, which never leave the server.
    return c.json({ remotes: Object.entries(cfg.remotes).map(([name, r]) => ({ name, type: r.type })).sort((a, b) => a.name.localeCompare(b.name)) });
  });

  app.get('/live', (c) =>
    streamSSE(c, async (stream) => {
      let wake: () => void = () => {};
      const pending: string[] = [];
      const stop = feed.subscribe((snap) => {
        pending.push(JSON.stringify(snap));
        wake();
      });
      stream.onAbort(() => wake());
      try {
        while (!stream.aborted) {
          // Only the newest snapshot matters to a page that fell behind.
          const data = pending.splice(0).pop();
          if (data !== undefined) await stream.writeSSE({ event: 'snapshot', data });
          else await new Promise<void>((resolve) => (wake = resolve));
        }
      } finally {
        stop();
      }
    }),
  );
  return app;
}
