/** The JSON API and the event stream: summary, errors, SSE. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiSummary } from '../../../src/adapters/http/apiTypes.ts';

import { device, setup, window } from './serverRig.ts';

test('summary: current window, totals and the ratio-corrected estimate', async () => {
  const s = await setup();
  try {
    const response = await s.app.inject({ url: '/api/summary' });
    assert.equal(response.statusCode, 200);
    const summary = response.json() as ApiSummary;
    assert.equal(summary.current?.wifi, 2);
    assert.equal(summary.current?.bluetooth, 1);
    assert.equal(summary.current?.devices, 3);
    assert.equal(summary.current?.estimate, 4.3); // 3 / 0.7
    assert.equal(summary.totals.devices, 3);
    assert.equal(summary.totals.averageMinutesSpent, 1);
    assert.deepEqual(summary.data, { savedAt: null, path: null });
    assert.equal(summary.site.sensors[0]?.id, 's1');
  } finally {
    await s.close();
  }
});

test('errors have one shape', async () => {
  const s = await setup();
  try {
    for (const [url, status, code] of [
      ['/api/nothing', 404, 'not-found'],
      ['/api/devices/wifi?sort=evil', 400, 'bad-request'],
      ['/api/devices/wifi?limit=-1', 400, 'bad-request'],
      ['/api/windows?from=10&to=5', 400, 'bad-request'],
      ['/api/export/saved.txt', 404, 'not-saved'],
    ] as const) {
      const response = await s.app.inject({ url });
      assert.equal(response.statusCode, status, url);
      assert.equal((response.json() as { error: { code: string } }).error.code, code, url);
    }
  } finally {
    await s.close();
  }
});

test('a stored window reaches an SSE client', async () => {
  const s = await setup();
  try {
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    const address = s.app.server.address() as { port: number };
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${address.port}/api/events`, {
      signal: controller.signal,
    });
    assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    s.rig.sendNoWait(window(1020, [device('dd', [])]));
    while (!text.includes('event: window')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    controller.abort();
    const data = text.split('event: window\ndata: ')[1]!.split('\n')[0]!;
    assert.deepEqual(JSON.parse(data), {
      windowStart: 1020,
      windowEnd: 1080,
      wifi: 1,
      bluetooth: 0,
      both: 0,
      devices: 1,
      randomized: 0,
      estimate: 1.4,
      low: null,
      high: null,
      estimateMethod: 'ratio',
      final: null,
    });
  } finally {
    await s.close();
  }
});
