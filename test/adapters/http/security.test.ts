/** Who may ask: tokens, loopback Host names, the POST header, CSP and framing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BindSecurityError, checkBindSecurity } from '../../../src/adapters/http/auth.ts';
import type { ApiSummary } from '../../../src/adapters/http/apiTypes.ts';

import { setup } from './serverRig.ts';

test('with a token, API, events and exports answer 401 without it', async () => {
  const s = await setup('s3cret');
  try {
    for (const url of ['/api/summary', '/api/events', '/api/export/wifi.csv', '/api/devices/wifi']) {
      const response = await s.app.inject({ url });
      assert.equal(response.statusCode, 401, url);
      assert.equal((response.json() as { error: { code: string } }).error.code, 'unauthorized');
    }
    assert.equal((await s.app.inject({ url: '/api/summary?token=wrong' })).statusCode, 401);
    assert.equal((await s.app.inject({ url: '/api/summary?token=s3cret' })).statusCode, 200);
    const bearer = await s.app.inject({ url: '/api/summary', headers: { authorization: 'Bearer s3cret' } });
    assert.equal(bearer.statusCode, 200);
  } finally {
    await s.close();
  }
});

test('a non-loopback bind without a token is refused', () => {
  assert.throws(() => checkBindSecurity('0.0.0.0', undefined), BindSecurityError);
  assert.throws(() => checkBindSecurity('192.168.1.5', ''), /--token/);
  assert.doesNotThrow(() => checkBindSecurity('0.0.0.0', 'tok'));
  assert.doesNotThrow(() => checkBindSecurity('127.0.0.1', undefined));
  assert.doesNotThrow(() => checkBindSecurity('::1', undefined));
});

test('the token cannot be dodged by percent-encoding the path', async () => {
  const s = await setup('s3cret');
  try {
    for (const url of [
      '/%61pi/summary',
      '/%6Detrics',
      '/api/%73ummary',
      '/%61pi/export/wifi.csv',
      '/%61pi/events',
    ]) {
      const response = await s.app.inject({ url });
      assert.notEqual(response.statusCode, 200, url);
    }
    const reset = await s.app.inject({
      method: 'POST',
      url: '/%61pi/reset-time',
      headers: { 'x-airtrace': '1' },
    });
    assert.equal(reset.statusCode, 401);
    assert.equal((await s.app.inject({ url: '/healthz' })).statusCode, 200, 'health stays open');
  } finally {
    await s.close();
  }
});

test('without a token: loopback Host names only, and no POST without the airtrace header', async () => {
  const s = await setup();
  try {
    const rebound = await s.app.inject({ url: '/api/summary', headers: { host: 'evil.example:8050' } });
    assert.equal(rebound.statusCode, 403);
    assert.equal((rebound.json() as { error: { code: string } }).error.code, 'forbidden-host');
    for (const host of ['127.0.0.1:8050', 'localhost:8050', '[::1]:8050']) {
      assert.equal((await s.app.inject({ url: '/api/summary', headers: { host } })).statusCode, 200, host);
    }
    const csrf = await s.app.inject({ method: 'POST', url: '/api/reset-time' });
    assert.equal(csrf.statusCode, 403);
    const summary = (await s.app.inject({ url: '/api/summary' })).json() as ApiSummary;
    assert.equal(summary.totals.averageMinutesSpent, 1, 'nothing was reset');
  } finally {
    await s.close();
  }
});

test('every answer forbids framing and foreign scripts; no path finds an inherited property', async () => {
  const s = await setup();
  try {
    for (const url of ['/', '/api/summary', '/api/devices/wifi', '/api/nope']) {
      const response = await s.app.inject({ url });
      assert.match(response.headers['content-security-policy'] as string, /frame-ancestors 'none'/, url);
      assert.match(response.headers['content-security-policy'] as string, /script-src 'self'/, url);
      assert.equal(response.headers['x-frame-options'], 'DENY', url);
    }
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const response = await s.app.inject({ url: `/api/devices/${name}` });
      assert.equal(response.statusCode, 404, name);
      assert.equal((response.json() as { error: { code: string } }).error.code, 'not-found');
    }
  } finally {
    await s.close();
  }
});
