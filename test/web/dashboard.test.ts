/**
 * The dashboard in a real browser (Debian's chromium through playwright-core) against the real
 * demo: a hub replaying real recordings window by window, with a token, over HTTP and SSE.
 * Skips when chromium is not installed or the page is not built (`vite build web`).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import type {
  ApiDevices,
  ApiHeatmap,
  ApiPositions,
  ApiSite,
  ApiSummary,
} from '../../src/adapters/http/apiTypes.ts';
import type { DeviceWindow, WindowSummary } from '../../src/core/model.ts';
import { startDemo, type RunningDemo } from '../../src/app/demo/demo.ts';

/**
 * The page's globals, for functions Playwright runs in the page (the test has no DOM types).
 * Functions, never strings: the dashboard's Content-Security-Policy forbids evaluating strings.
 */
type PageGlobal = { document: { title: string }; __sameDocument?: boolean };
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = '/usr/bin/chromium';
const BUILT_PAGE = join(ROOT, 'web/dist/index.html');
const SCREENSHOT = join(ROOT, 'test-artifacts/dashboard.png');
const FLOOR_SCREENSHOT = join(ROOT, 'test-artifacts/floor-plan.png');
const TOKEN = 'dashboard-test-token';
const HOSTILE_SSID = '<img src=x onerror=alert(1)>';
const HOSTILE_NAME = '<script>alert(2)</script>';
const HOSTILE_ZONE = '<img src=x onerror=alert(3)>';
const HOSTILE_LABEL = '<svg onload=alert(4)>';
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
async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
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

function skipReason(): string | undefined {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is not installed (apt-get install chromium)`;
  if (!existsSync(BUILT_PAGE)) return 'web/dist is not built (vite build web)';
  return undefined;
}

const pad = (n: number) => String(n).padStart(2, '0');
const hhmm = (unixSeconds: number) => {
  const d = new Date(unixSeconds * 1000);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

function hostileDevice(
  medium: DeviceWindow['medium'],
  deviceId: string,
  text: string,
  t: number,
): DeviceWindow {
  return {
    deviceId,
    medium,
    randomized: false,
    vendor: null,
    frames: 1,
    rssi: { count: 1, mean: -50, std: 0, min: -50, max: -50 },
    ssids: [text],
    frameTypes: { [medium === 'wifi' ? 'probe-req' : 'adv-ind']: 1 },
    ieFingerprints: [],
    channels: [1],
    firstSeen: t,
    lastSeen: t,
    ...(medium === 'ble' ? { name: text } : {}),
  };
}

test('the dashboard in a real browser against the demo', { timeout: 180_000 }, async (t: TestContext) => {
  const reason = skipReason();
  if (reason !== undefined) {
    t.skip(reason);
    return;
  }
  const { chromium } = await import('playwright-core');
  const dir = mkdtempSync(join(tmpdir(), 'airtrace-web-'));
  // The browser closes before the hub stops, so no event stream holds the server open.
  const opened: { demo?: RunningDemo; browser?: Browser } = {};
  t.after(async () => {
    await opened.browser?.close();
    await opened.demo?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // 60x real time: one window a second, the last ten minutes or so of the recording live.
  const running = await startDemo({
    port: 0,
    host: '127.0.0.1',
    dbPath: join(dir, 'demo.db'),
    speed: 60,
    liveSeconds: 600,
    token: TOKEN,
  });
  opened.demo = running;
  let replayFinished = false;
  void running.done.then(() => (replayFinished = true));

  const apiGet = async <T>(path: string): Promise<T> => {
    const response = await fetch(new URL(path, running.url), {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(response.status, 200, `${path}: ${response.status}`);
    return (await response.json()) as T;
  };
  /** The hub's site, or undefined while the hub has no api/site (an older hub). */
  const siteOrNone = async (): Promise<ApiSite | undefined> => {
    const response = await fetch(new URL('/api/site', running.url), {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    return response.status === 404 ? undefined : ((await response.json()) as ApiSite);
  };

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  opened.browser = browser;
  const page: Page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const pageErrors: string[] = [];
  const dialogs: { type: string; message: string }[] = [];
  let navigations = 0;
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('framenavigated', (frame) => frame === page.mainFrame() && navigations++);
  page.on('dialog', (dialog) => {
    dialogs.push({ type: dialog.type(), message: dialog.message() });
    void (dialog.type() === 'confirm' ? dialog.accept() : dialog.dismiss());
  });

  await page.goto(`${running.url}?token=${TOKEN}`);
  await page.getByTestId('app').and(page.locator('[data-ready="true"]')).waitFor({ timeout: 15_000 });
  assert.equal(navigations, 1);
  const text = async (testid: string, within: Page | Locator = page) =>
    ((await within.getByTestId(testid).textContent()) ?? '').trim();
  const chart = page.getByTestId('chart');

  await t.test('the title says "Scanning…" during a window and "airtrace" between windows', async () => {
    assert.ok(!replayFinished, 'the replay ended before the page was up: slow it down');
    await page.waitForFunction(
      () => (globalThis as unknown as PageGlobal).document.title === 'Scanning…',
      undefined,
      {
        timeout: 15_000,
        polling: 'raf',
      },
    );
    await page.waitForFunction(
      () => (globalThis as unknown as PageGlobal).document.title === 'airtrace',
      undefined,
      {
        timeout: 15_000,
        polling: 'raf',
      },
    );
  });

  await t.test('a new window arrives over SSE without a reload, and a zoom stays put', async () => {
    await page.evaluate(() => ((globalThis as unknown as PageGlobal).__sameDocument = true));
    // Drag across the middle of the plot: uPlot's drag-to-zoom.
    const box = await chart.locator('.u-over').boundingBox();
    assert.ok(box !== null);
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    assert.equal(await chart.getAttribute('data-zoomed'), 'true');
    const before = Number(await chart.getAttribute('data-last-start'));
    const windowBefore = Number(await page.getByTestId('current-window').getAttribute('data-window-start'));
    assert.ok(before > 0, 'the chart has windows');
    await eventually(async () => {
      assert.ok(Number(await chart.getAttribute('data-last-start')) > before, 'the chart gained a window');
    }, 15_000);
    await eventually(async () => {
      const now = Number(await page.getByTestId('current-window').getAttribute('data-window-start'));
      assert.ok(now > windowBefore, 'the current window moved on');
    });
    assert.equal(
      await page.evaluate(() => (globalThis as unknown as PageGlobal).__sameDocument),
      true,
      'the page was not reloaded',
    );
    assert.equal(navigations, 1);
    assert.equal(await chart.getAttribute('data-zoomed'), 'true', 'new windows keep the zoom');
    await page.getByTestId('reset-zoom').click();
    assert.equal(await chart.getAttribute('data-zoomed'), 'false');
  });

  await t.test('the floor plan: sensors, live positions over SSE, the heat map', async (tt) => {
    const plan = page.getByTestId('floor-plan');
    const site = await siteOrNone();
    if (site === undefined || site.bounds === null) {
      tt.diagnostic(
        `branch: no site (${site === undefined ? 'api/site 404' : 'bounds null'}): the floor-plan card is absent`,
      );
      await page.waitForTimeout(500);
      assert.equal(await plan.count(), 0);
      return;
    }
    tt.diagnostic(`branch: site with bounds ${site.bounds.join(',')} and ${site.sensors.length} sensors`);
    await plan.waitFor({ timeout: 10_000 });
    const sensors = plan.getByTestId('floor-sensor');
    assert.equal(await sensors.count(), site.sensors.length, 'one square per sensor');
    assert.equal(await sensors.locator('rect').count(), site.sensors.length);
    const labels = await sensors.locator('text').allTextContents();
    assert.deepEqual(labels.sort(), site.sensors.map((s) => s.label ?? s.id).sort());
    for (const zone of site.zones) assert.ok((await plan.textContent())?.includes(zone.name), zone.name);

    // Position events only come over the stream: the page counts them.
    const dot = await eventually(async () => {
      assert.ok(Number(await plan.getAttribute('data-live-fixes')) > 0, 'a position event arrived');
      const dots = plan.getByTestId('floor-position');
      assert.ok((await dots.count()) >= 1, 'a position dot is drawn');
      return dots.first();
    }, 20_000);
    const medium = await dot.getAttribute('class');
    assert.match(medium ?? '', /\bpos (wifi|ble)\b/);
    assert.equal(
      await page.evaluate(() => (globalThis as unknown as PageGlobal).__sameDocument),
      true,
      'the page was not reloaded',
    );
    mkdirSync(dirname(FLOOR_SCREENSHOT), { recursive: true });
    await plan.screenshot({ path: FLOOR_SCREENSHOT });

    const heatToggle = page.getByTestId('heatmap-toggle');
    assert.equal(await heatToggle.isChecked(), true, 'the heat map is on by default');
    await heatToggle.click();
    await eventually(async () => assert.equal(await plan.getByTestId('floor-heatmap').count(), 0));
    await heatToggle.click();
    await eventually(async () => {
      const cells = plan.getByTestId('floor-heatmap').locator('.heat-cell');
      assert.ok((await cells.count()) >= 1, 'the heat map has a non-empty cell');
      assert.ok(Number(await cells.first().getAttribute('data-count')) > 0);
    }, 15_000);
    const heat = await apiGet<ApiHeatmap>('/api/positions/heatmap');
    assert.ok(heat.max > 0, 'the hub counted fixes');
  });

  await running.done;

  await t.test('the numbers on the page are the API’s', async () => {
    await eventually(async () => {
      const s = await apiGet<ApiSummary>('/api/summary');
      assert.ok(s.current !== null);
      assert.equal(await text('current-wifi'), String(s.current.wifi));
      assert.equal(await text('current-bluetooth'), String(s.current.bluetooth));
      assert.equal(await text('current-estimate'), String(s.current.estimate));
      const interval = page.getByTestId('people-interval');
      if (s.counting.method === 'model') {
        assert.match(
          await text('counting-method'),
          /^People counted by the fitted model \(\d+(\.\d)?% intervals\)$/,
        );
        if (s.current.estimateMethod === 'model' && s.current.low !== null && s.current.high !== null) {
          assert.equal(await text('people-interval'), `${s.current.low}–${s.current.high}`);
          const level = `${Math.round((s.counting.intervalLevel ?? 0) * 1000) / 10}%`;
          const shown = ((await page.locator('.estimate').textContent()) ?? '').replace(/\s+/g, ' ').trim();
          assert.ok(
            shown.startsWith(
              `≈ ${s.current.estimate} people (${s.current.low}–${s.current.high}, ${level} interval)`,
            ),
            shown,
          );
        } else assert.equal(await interval.count(), 0);
        assert.equal(await page.getByTestId('provisional').count(), s.current.final === false ? 1 : 0);
      } else {
        assert.equal(await text('counting-method'), `Devices ÷ ${s.ratio} detectable people per person`);
        assert.equal(await interval.count(), 0);
      }
      const visitors = await text('visitors');
      if (s.totals.personMinutes !== null && s.totals.meanStayMinutes !== null) {
        assert.match(visitors, /visitors/);
        assert.match(visitors, /person-minutes ÷ mean stay/);
      } else assert.match(visitors, new RegExp(`estimated people\\s*devices ÷ ${s.ratio}`));
      assert.equal(await text('total-devices'), String(s.totals.devices));
      assert.equal(await text('total-estimate'), String(s.totals.estimate));
      assert.equal(await text('average-minutes'), String(s.totals.averageMinutesSpent));
      assert.equal(await text('ratio-factor'), `${s.ratio} detectable people per person`);
      assert.ok(s.totals.devices > 0 && s.totals.averageMinutesSpent > 0, 'the demo stored devices');
      const sensors = await text('sensor-list');
      for (const sensor of s.site.sensors) assert.ok(sensors.includes(sensor.id), sensors);
      assert.equal(await text('site-name'), s.site.name);
      const windows = await apiGet<{ windows: unknown[] }>('/api/windows');
      assert.equal(Number(await chart.getAttribute('data-points')), windows.windows.length);
    });
    const s = await apiGet<ApiSummary>('/api/summary');
    t.diagnostic(
      `counting: ${s.counting.method}; current window by ${s.current?.estimateMethod}` +
        (s.current?.low == null ? '' : ` ${s.current.estimate} (${s.current.low}–${s.current.high})`) +
        `; visitors ${s.totals.estimate} of ${s.totals.devices} devices`,
    );
    assert.equal(await page.title(), 'airtrace');
  });

  await t.test('the chart shows any range on request, and the last hour again', async () => {
    const last = Number(await chart.getAttribute('data-last-start'));
    const from = last - 20 * 60;
    const localInput = (unixSeconds: number) => {
      const d = new Date(unixSeconds * 1000);
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${hhmm(unixSeconds)}`;
    };
    const expected = await apiGet<{ windows: unknown[] }>(`/api/windows?from=${from}&to=${last}`);
    const lastHour = await apiGet<{ windows: unknown[] }>('/api/windows');
    assert.ok(expected.windows.length > 0 && expected.windows.length < lastHour.windows.length);
    await page.getByTestId('range-from').fill(localInput(from));
    await page.getByTestId('range-to').fill(localInput(last));
    await page.getByTestId('range-show').click();
    await eventually(async () => {
      assert.equal(Number(await chart.getAttribute('data-points')), expected.windows.length);
    });
    await page.getByTestId('range-live').click();
    await eventually(async () => {
      assert.equal(Number(await chart.getAttribute('data-points')), lastHour.windows.length);
    });
  });

  await t.test('the Ratio toggle changes the numbers and the chart', async () => {
    const legend = chart.locator('.u-legend .u-series');
    const toggle = page.getByTestId('ratio-toggle');
    const model = (await apiGet<ApiSummary>('/api/summary')).counting.method === 'model';
    // With the model: the estimate as a line with its interval as a band (the band's edges are
    // series kept out of the legend), and windows without a model estimate stacked as before.
    const withRatio = model
      ? 'Devices ÷ ratio,All devices,People low,People high,Estimated people,Wi-Fi,Bluetooth'
      : 'Estimated people,All devices,Wi-Fi,Bluetooth';
    const visibleRows = () =>
      legend.evaluateAll((rows) => rows.filter((r) => r.getBoundingClientRect().height > 0).length);
    assert.equal(await toggle.isChecked(), true, 'on by default');
    assert.equal(await chart.getAttribute('data-series'), withRatio);
    assert.equal(await chart.getAttribute('data-band'), String(model));
    const seriesWithRatio = await legend.count();
    const visibleWithRatio = await visibleRows();
    assert.equal(seriesWithRatio, withRatio.split(',').length + 1, 'one legend row per series, and the time');
    assert.equal(visibleWithRatio, seriesWithRatio - (model ? 2 : 0), 'the band edges are not in the legend');

    await toggle.click();
    assert.equal(await toggle.isChecked(), false);
    await eventually(async () => {
      assert.equal(await chart.getAttribute('data-series'), 'All devices,Wi-Fi,Bluetooth');
      assert.equal(await chart.getAttribute('data-band'), 'false');
      assert.equal(await legend.count(), 4);
      assert.equal(await page.getByTestId('total-estimate').count(), 0);
      assert.equal(await page.getByTestId('current-estimate').count(), 0);
      assert.equal(await page.getByTestId('visitors').count(), 0);
      assert.equal(await page.getByTestId('counting-method').count(), 0);
    });

    await toggle.click();
    await eventually(async () => {
      assert.equal(await chart.getAttribute('data-series'), withRatio);
      assert.equal(await chart.getAttribute('data-band'), String(model));
      assert.equal(await legend.count(), seriesWithRatio);
      assert.equal(await visibleRows(), visibleWithRatio);
      assert.equal(await page.getByTestId('total-estimate').count(), 1);
    });
  });

  await t.test('the Wi-Fi table sorts, pages and searches on the hub', async () => {
    const table = page.getByTestId('wifi-table');
    const shownIds = () =>
      table
        .getByTestId('row')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-device') ?? ''));
    const expectRows = async (query: string) => {
      const api = await apiGet<ApiDevices>(`/api/devices/wifi?${query}`);
      await eventually(async () => {
        assert.deepEqual(
          await shownIds(),
          api.rows.map((d) => d.deviceId),
          query,
        );
        assert.equal(await text('table-total', table), String(api.total));
      });
      return api;
    };

    const all = await expectRows('sort=lastSeen&order=desc&limit=25&offset=0');
    assert.ok(all.total > 50, 'enough devices for three pages');

    await table.getByTestId('sort-rssiMean').click();
    await expectRows('sort=rssiMean&order=desc&limit=25&offset=0');
    await table.getByTestId('sort-rssiMean').click();
    await expectRows('sort=rssiMean&order=asc&limit=25&offset=0');
    assert.equal(await table.locator('th[aria-sort="ascending"]').count(), 1);

    await table.getByTestId('next-page').click();
    await expectRows('sort=rssiMean&order=asc&limit=25&offset=25');
    assert.equal(await text('page-info', table), `26–50 of ${all.total}`);
    await table.getByTestId('prev-page').click();
    await expectRows('sort=rssiMean&order=asc&limit=25&offset=0');

    await table.getByTestId('search').fill('intel');
    const found = await expectRows('sort=rssiMean&order=asc&limit=25&offset=0&search=intel');
    assert.ok(found.total > 0 && found.total < all.total, `search narrows: ${found.total} of ${all.total}`);
    await table.getByTestId('search').fill('');
    await expectRows('sort=rssiMean&order=asc&limit=25&offset=0');
  });

  await t.test('a hostile SSID or name is shown as text, never run', async () => {
    const s = await apiGet<ApiSummary>('/api/summary');
    assert.ok(s.current !== null);
    const start = s.current.windowEnd;
    const part: WindowSummary = {
      schema: 1,
      sensorId: s.site.sensors[0]?.id ?? 'brno-lab',
      windowStart: start,
      windowEnd: start + s.windowSeconds,
      frames: 2,
      framesWithRssi: 2,
      devices: [
        hostileDevice('wifi', 'feedc0de00000000000000000000bad1', HOSTILE_SSID, start + 1),
        hostileDevice('ble', 'feedc0de00000000000000000000bad2', HOSTILE_NAME, start + 2),
      ],
    };
    await running.store.writeWindow([part]);

    for (const [testid, search, hostile] of [
      ['wifi-table', 'onerror', HOSTILE_SSID],
      ['bluetooth-table', 'script', HOSTILE_NAME],
    ] as const) {
      const table = page.getByTestId(testid);
      await table.getByTestId('search').fill(search);
      await eventually(async () => {
        assert.equal(await table.getByTestId('row').count(), 1, `${testid} finds the hostile device`);
        assert.equal(await table.locator('td[data-col="ssids"]').textContent(), hostile);
      });
      assert.equal(await table.locator('tbody img, tbody script').count(), 0, 'no element was made from it');
      await table.getByTestId('search').fill('');
    }
    await page.waitForTimeout(300);
    assert.deepEqual(dialogs, [], 'no dialog opened');
  });

  await t.test(
    'the floor plan of a given site: hostile names as text, the plan image in metres, no site no card',
    async () => {
      // The site as a hub might send it: names from a site file somebody else wrote.
      const other = await browser.newPage({ viewport: { width: 1000, height: 800 } });
      const otherErrors: string[] = [];
      const otherDialogs: string[] = [];
      other.on('pageerror', (error) => otherErrors.push(error.message));
      other.on('dialog', (dialog) => {
        otherDialogs.push(dialog.message());
        void dialog.dismiss();
      });
      const site: ApiSite = {
        name: 'hostile',
        bounds: [0, 0, 20, 10],
        sensors: [
          { id: 's1', label: HOSTILE_LABEL, x: 1, y: 1, z: 1 },
          { id: '<b>s2</b>', label: null, x: 19, y: 9, z: null },
        ],
        zones: [
          {
            name: HOSTILE_ZONE,
            polygon: [
              [2, 2],
              [8, 2],
              [8, 8],
              [2, 8],
            ],
          },
        ],
        floorPlan: { url: 'javascript:alert(5)', metresPerPixel: 0.05, origin: [0, 0] },
        positioning: { method: 'wnls', windowSeconds: 2 },
      };
      // Newer than any replayed fix, so the data clock keeps the dot.
      const now = Math.floor(Date.now() / 1000);
      const fix: ApiPositions['positions'][0] = {
        deviceId: 'feedc0de00000000000000000000bad3',
        medium: 'wifi',
        t: now,
        x: 5,
        y: 5,
        uncertainty: 2,
        sensors: 2,
      };
      const positions: ApiPositions = {
        from: now - 6,
        to: now,
        positions: [fix],
      };
      const heat: ApiHeatmap = {
        from: 0,
        to: 1e9,
        cell: 5,
        bounds: [0, 0, 20, 10],
        columns: 4,
        rows: 2,
        counts: [0, 3, 0, 0, 0, 0, 1, 0],
        max: 3,
      };
      const answer = (body: unknown) => ({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify(body),
      });
      await other.route(
        (url) => url.pathname === '/api/site',
        (route) => route.fulfill(answer(site)),
      );
      // A 400 x 200 pixel plan at 5 cm a pixel, the site's origin at its bottom-left corner.
      await other.route(
        (url) => url.pathname === '/api/site/floorplan',
        (route) =>
          route.fulfill({
            status: 200,
            contentType: 'image/svg+xml',
            body: '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200"><rect width="400" height="200" fill="#ddd"/></svg>',
          }),
      );
      await other.route(
        (url) => url.pathname === '/api/positions/current',
        (route) => route.fulfill(answer(positions)),
      );
      await other.route(
        (url) => url.pathname === '/api/positions/heatmap',
        (route) => route.fulfill(answer(heat)),
      );
      try {
        await other.goto(`${running.url}?token=${TOKEN}`);
        const plan = other.getByTestId('floor-plan');
        await plan.waitFor({ timeout: 10_000 });
        assert.deepEqual(
          (await plan.getByTestId('floor-sensor').locator('text').allTextContents()).sort(),
          [HOSTILE_LABEL, '<b>s2</b>'].sort(),
        );
        assert.equal(await plan.locator('.zone text').textContent(), HOSTILE_ZONE);
        assert.equal(
          await plan.locator('svg svg, img, b, script, foreignObject, image').count(),
          0,
          'no element was made from them',
        );
        assert.equal(await plan.getByTestId('floor-heatmap').locator('.heat-cell').count(), 2);
        await eventually(async () => assert.equal(await plan.getByTestId('floor-position').count(), 1));

        // A plan image from the hub: laid out in metres, with the token; a javascript: one was refused.
        site.floorPlan = { url: 'api/site/floorplan', metresPerPixel: 0.05, origin: [0, 200] };
        await other.reload();
        const image = other.getByTestId('floor-plan').locator('image');
        await image.waitFor({ timeout: 10_000 });
        assert.deepEqual(
          await image.evaluate((el) => ['x', 'y', 'width', 'height'].map((a) => Number(el.getAttribute(a)))),
          [0, -10, 20, 10],
        );
        assert.ok((await image.getAttribute('href'))?.includes(`token=${TOKEN}`));

        // A hub without a site file: no floor-plan card at all.
        site.bounds = null;
        await other.reload();
        await other.getByTestId('app').and(other.locator('[data-ready="true"]')).waitFor({ timeout: 10_000 });
        await other.waitForTimeout(300);
        assert.equal(await other.getByTestId('floor-plan').count(), 0);
        await other.waitForTimeout(300);
        assert.deepEqual(otherDialogs, [], 'no dialog opened');
        assert.deepEqual(otherErrors, []);
      } finally {
        await other.close();
      }
    },
  );

  await t.test('Save data writes the file on the hub and says when', async () => {
    assert.equal(await text('data-state'), 'Data not saved');
    await page.getByTestId('save-data').click();
    const s = await eventually(async () => {
      const summary = await apiGet<ApiSummary>('/api/summary');
      assert.ok(summary.data.savedAt !== null && summary.data.path !== null);
      assert.equal(await text('data-state'), `Data saved at ${hhmm(summary.data.savedAt)}`);
      return summary;
    });
    assert.match(await text('data-state'), /^Data saved at \d\d:\d\d$/);
    const shownPath = await text('saved-path');
    assert.equal(shownPath, s.data.path);
    assert.ok(existsSync(shownPath), `${shownPath} exists`);
    // The download link carries the token, as the page has no other way to send it.
    const href = await page.getByTestId('saved-download').getAttribute('href');
    assert.ok(href !== null && href.includes(`token=${TOKEN}`), String(href));
    assert.equal((await fetch(href)).status, 200);
    const exportHref = await page.getByTestId('export-wifi-csv').getAttribute('href');
    assert.equal((await fetch(exportHref ?? '')).status, 200);
  });

  await t.test('screenshot', async () => {
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  await t.test('Reset time asks, then zeroes the average', async () => {
    assert.notEqual(await text('average-minutes'), '0');
    await page.getByTestId('reset-time').click();
    await eventually(async () => {
      assert.equal(await text('average-minutes'), '0');
      assert.equal((await apiGet<ApiSummary>('/api/summary')).totals.averageMinutesSpent, 0);
    });
    assert.deepEqual(
      dialogs.map((d) => d.type),
      ['confirm'],
    );
  });

  assert.equal(navigations, 1, 'the page never navigated');
  assert.deepEqual(pageErrors, []);
});
