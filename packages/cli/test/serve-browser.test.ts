import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ferry } from './helpers.js';
import { type ServeScenario, startServeScenario } from './serve-scenario.js';

/** With FERRY_SCREENSHOTS=1 the run also refreshes the README's screenshots in docs/. */
const DOCS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs');

let s: ServeScenario;
let browser: BrowserContext;
let page: Page;
let profile: string;
const pageErrors: string[] = [];

/** Debian's chromium from PATH, as .ci/run installs it. */
function chromiumPath(): string {
  return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
}

beforeAll(async () => {
  s = await startServeScenario();
  profile = await mkdtemp(join(tmpdir(), 'ferry-chromium-'));
  // A fresh profile each run (playwright passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    viewport: { width: 1280, height: 800 },
    headless: true,
    args: [
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      '--headless',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    // Refused API calls (401 before login, 400 for a bad cron) are part of the scenario; CSP violations are not.
    if (msg.type() === 'error' && !/^Failed to load resource/.test(msg.text())) pageErrors.push(msg.text());
  });
});
afterAll(async () => {
  await browser?.close();
  await s?.stop();
  if (profile) await rm(profile, { recursive: true, force: true });
});

const screenshot = async (name: string) => {
  if (process.env.FERRY_SCREENSHOTS) await page.screenshot({ path: join(DOCS, name), fullPage: true });
};

it('drives the dashboard in Chromium: log in, cancel, copy, schedule, import share links', async () => {
  // Without the token the page says how to log in, and the API refuses.
  await page.goto(s.base);
  await page.getByText('Open the address').waitFor();

  await page.goto(s.url);
  expect(page.url()).toBe(`${s.base}/`);
  await page.locator('#live', { hasText: 'live' }).waitFor();

  // A transfer queued while no worker runs, cancelled from its page.
  await page.goto(`${s.base}/#/new`);
  await page.selectOption('#src-remote', 'my115');
  await page.fill('#src-path', '/Films');
  await page.selectOption('#dst-remote', 'ali');
  await page.fill('#dst-path', '/Cancelled');
  await page.click('#copy-form button[type=submit]');
  await page.waitForURL(/#\/t\//);
  const cancelled = decodeURIComponent(page.url().split('#/t/')[1]!);
  await page.click('#cancel:not([disabled])');
  await page.waitForURL(/#\/$/);
  await page.locator(`tr[data-id="${cancelled}"] [data-state="cancelled"]`).waitFor();

  // A 115 -> Aliyun copy watched to done; its counts are the CLI's.
  s.startWorker();
  await page.goto(`${s.base}/#/new`);
  await page.selectOption('#src-remote', 'my115');
  await page.fill('#src-path', '/Films');
  await page.selectOption('#dst-remote', 'ali');
  await page.fill('#dst-path', '/Films');
  await page.click('#copy-form button[type=submit]');
  await page.waitForURL(/#\/t\//);
  const id = decodeURIComponent(page.url().split('#/t/')[1]!);
  await page.locator('h2 [data-state="done"]').waitFor({ timeout: 90_000 });
  await page.locator('#files tr[data-rel="rapid.bin"]').waitFor();
  const rapid = await page.locator('[data-count="rapid"]').first().textContent();
  const streamed = await page.locator('[data-count="streamed"]').first().textContent();
  const cli = JSON.parse((await ferry(['jobs', 'show', id, '--json'], s.box)).stdout) as { summary: { rapid: number; copied: number } };
  expect(rapid).toBe(`rapid ${cli.summary.rapid}`);
  expect(streamed).toBe(`streamed ${cli.summary.copied}`);
  expect(cli.summary).toMatchObject({ rapid: 1, copied: 1 });
  expect(await page.locator('#files tr[data-rel="streamed.bin"] [data-state="streamed"]').count()).toBe(1);
  await screenshot('serve-transfer.png');
  await page.goto(`${s.base}/#/`);
  await page.locator(`tr[data-id="${id}"] [data-state="done"]`).waitFor();
  await screenshot('serve-transfers.png');

  // A schedule firing every two seconds shows its last run, then goes.
  await page.goto(`${s.base}/#/schedules`);
  await page.fill('#sched-name', 'films');
  await page.fill('#sched-cron', 'bad cron');
  await page.selectOption('#sched-src', 'my115');
  await page.fill('#sched-src-path', '/Films');
  await page.selectOption('#sched-dst', 'ali');
  await page.fill('#sched-dst-path', '/Scheduled');
  await page.click('#schedule-form button[type=submit]');
  await page.locator('#sched-result .error', { hasText: 'invalid cron' }).waitFor();
  await page.fill('#sched-cron', '*/2 * * * * *');
  await page.click('#schedule-form button[type=submit]');
  await page.locator('#sched-result .ok').waitFor();
  await page.locator('#schedules tr[data-name="films"] [data-state="done"]').waitFor({ timeout: 90_000 });
  await page.click('#schedules tr[data-name="films"] button.remove');
  await page.locator('#schedules tr[data-name="films"]').waitFor({ state: 'detached' });
  expect(s.ali.names('/Scheduled')?.sort()).toEqual(['rapid.bin', 'streamed.bin']);

  // Two share links, one expired: its reason is shown; the other is imported.
  await page.goto(`${s.base}/#/new`);
  await page.click('button[data-tab="import"]');
  await page.fill('#links', `${s.liveLink}\n${s.expiredLink}\n`);
  await page.selectOption('#import-remote', 'ali');
  // A folder name that is also markup: shown as text wherever it appears, never run.
  const hostile = '/Shares <img src=x onerror="document.title=\'pwned\'">';
  await page.fill('#import-path', hostile);
  await page.click('#check-links');
  await page.locator('#link-checks li[data-status="dead"]', { hasText: 'expired' }).waitFor();
  expect(await page.locator('#link-checks li[data-status="ok"]').count()).toBe(1);
  await page.click('#import-form button[type=submit]');
  const link = page.locator('#link-checks li[data-status="ok"] a');
  await link.waitFor();
  await link.click();
  await page.locator('h2 [data-state="done"]').waitFor({ timeout: 90_000 });
  expect(s.ali.names(`${hostile}/Films`)?.sort()).toEqual(['rapid.bin', 'streamed.bin']);
  expect(await page.locator('.route').first().textContent()).toContain(hostile);
  await page.goto(`${s.base}/#/`);
  await page.locator('#transfers .route', { hasText: '<img' }).first().waitFor();
  expect(await page.locator('main img').count()).toBe(0);
  expect(await page.title()).toBe('Ferry');

  // Workers and remotes, and no script error or CSP violation anywhere.
  await page.goto(`${s.base}/#/workers`);
  await page.locator('#workers td', { hasText: ':' }).first().waitFor();
  await page.goto(`${s.base}/#/remotes`);
  await page.locator('#remotes td', { hasText: 'aliyun-open' }).waitFor();
  const html = await page.content();
  for (const secret of s.secrets) expect(html.includes(secret)).toBe(false);
  expect(pageErrors).toEqual([]);
});
