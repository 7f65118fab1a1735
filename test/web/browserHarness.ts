/**
 * The dashboard in a real browser (Debian's chromium through playwright-core) against the real
 * demo: a hub replaying real recordings window by window, with a token, over HTTP and SSE.
 * One demo and one page serve every step; a step names what it checks and whether it needs the
 * replay still running (`live`) or finished (`settled`).
 */
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import type { ApiSite } from '../../src/adapters/http/apiTypes.ts';
import { startDemo, type RunningDemo } from '../../src/app/demo/demo.ts';

/**
 * The page's globals, for functions Playwright runs in the page (the tests have no DOM types).
 * Functions, never strings: the dashboard's Content-Security-Policy forbids evaluating strings.
 */
export type PageGlobal = { document: { title: string }; __sameDocument?: boolean; __pwned?: unknown };

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const ARTIFACTS = join(ROOT, 'test-artifacts');
export const TOKEN = 'dashboard-test-token';
const CHROMIUM = '/usr/bin/chromium';
const BUILT_PAGE = join(ROOT, 'web/dist/index.html');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Retries `check` until it stops throwing, then returns its value; rethrows the last failure. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Why the browser tests cannot run here, or undefined when they can. */
export function skipReason(): string | undefined {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is not installed (apt-get install chromium)`;
  if (!existsSync(BUILT_PAGE)) return 'web/dist is not built (vite build web)';
  return undefined;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Local `HH:MM`, as the page writes times. */
export function hhmm(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The value a `datetime-local` input takes for an instant. */
export function localInput(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${hhmm(unixSeconds)}`;
}

/** The running demo, the browser and the dashboard page open on it, and what the page did. */
export interface Dashboard {
  demo: RunningDemo;
  browser: Browser;
  page: Page;
  /** The page's URL with the token. */
  pageUrl: string;
  /** Uncaught errors in the page. */
  pageErrors: string[];
  /** Dialogs the page opened (confirms are accepted, the rest dismissed). */
  dialogs: { type: string; message: string }[];
  /** Main-frame navigations: 1 after the first load, unless the page reloaded. */
  navigations(): number;
  replayFinished(): boolean;
  /** A GET on the hub with the token; asserts 200. */
  apiGet<T>(path: string): Promise<T>;
  /** The hub's site, or undefined while the hub has no api/site (an older hub). */
  siteOrNone(): Promise<ApiSite | undefined>;
  /** The trimmed text of a test id on the page (or inside `within`). */
  text(testid: string, within?: Page | Locator): Promise<string>;
}

/** One check of the dashboard, run as a subtest. */
export interface Step {
  name: string;
  run(t: TestContext, dashboard: Dashboard): Promise<void>;
}

/** What one file checks: steps while the demo still replays, then steps once it has finished. */
export interface Topic {
  live?: Step[];
  settled?: Step[];
}

/** A page of the dashboard in Chromium, opened on any running hub; what it did is recorded. */
export type OpenPage = Omit<Dashboard, 'demo' | 'replayFinished'>;

/**
 * Opens Chromium on `baseUrl` (with the token) and waits for the page to be ready; closes the
 * browser when the test ends, before `close` runs (so no event stream holds the server open).
 */
export async function openPage(
  t: TestContext,
  baseUrl: string,
  close: () => Promise<void>,
): Promise<OpenPage> {
  const { chromium } = await import('playwright-core');
  const opened: { browser?: Browser } = {};
  t.after(async () => {
    await opened.browser?.close();
    await close();
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  opened.browser = browser;
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const pageErrors: string[] = [];
  const dialogs: { type: string; message: string }[] = [];
  let navigations = 0;
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('framenavigated', (frame) => frame === page.mainFrame() && navigations++);
  page.on('dialog', (dialog) => {
    dialogs.push({ type: dialog.type(), message: dialog.message() });
    void (dialog.type() === 'confirm' ? dialog.accept() : dialog.dismiss());
  });

  const pageUrl = `${baseUrl}?token=${TOKEN}`;
  await page.goto(pageUrl);
  await page.getByTestId('app').and(page.locator('[data-ready="true"]')).waitFor({ timeout: 15_000 });
  assert.equal(navigations, 1);
  // Gone if the page ever reloads: steps check it is still there.
  await page.evaluate(() => ((globalThis as unknown as PageGlobal).__sameDocument = true));

  const authorized = (path: string) =>
    fetch(new URL(path, baseUrl), { headers: { authorization: `Bearer ${TOKEN}` } });
  return {
    browser,
    page,
    pageUrl,
    pageErrors,
    dialogs,
    navigations: () => navigations,
    async apiGet<T>(path: string): Promise<T> {
      const response = await authorized(path);
      assert.equal(response.status, 200, `${path}: ${response.status}`);
      return (await response.json()) as T;
    },
    async siteOrNone() {
      const response = await authorized('/api/site');
      return response.status === 404 ? undefined : ((await response.json()) as ApiSite);
    },
    text: async (testid, within = page) => ((await within.getByTestId(testid).textContent()) ?? '').trim(),
  };
}

async function openDashboard(t: TestContext): Promise<Dashboard> {
  const dir = mkdtempSync(join(tmpdir(), 'airtrace-web-'));
  // 60x real time: one window a second, the last ten minutes or so of the recording live.
  const demo = await startDemo({
    port: 0,
    host: '127.0.0.1',
    dbPath: join(dir, 'demo.db'),
    speed: 60,
    liveSeconds: 600,
    token: TOKEN,
  });
  let replayFinished = false;
  void demo.done.then(() => (replayFinished = true));
  const opened = await openPage(t, demo.url, async () => {
    await demo.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return { ...opened, demo, replayFinished: () => replayFinished };
}

/**
 * Starts the demo and the page, runs every topic's live steps while the replay runs, waits for
 * it to finish, runs every settled step, in the order given, then checks that the page never
 * navigated and threw nothing. Skips when chromium or the built page is missing.
 */
export async function runDashboard(t: TestContext, topics: Topic[]): Promise<void> {
  const reason = skipReason();
  if (reason !== undefined) {
    t.skip(reason);
    return;
  }
  const dashboard = await openDashboard(t);
  for (const step of topics.flatMap((topic) => topic.live ?? []))
    await t.test(step.name, (tt) => step.run(tt, dashboard));
  await dashboard.demo.done;
  for (const step of topics.flatMap((topic) => topic.settled ?? []))
    await t.test(step.name, (tt) => step.run(tt, dashboard));
  assert.equal(dashboard.navigations(), 1, 'the page never navigated');
  assert.deepEqual(dashboard.pageErrors, []);
}
