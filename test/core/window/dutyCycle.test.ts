import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dutyPhase } from '../../../src/core/window/dutyCycle.ts';

test('the original duty cycle: 10 s of scanning at the start of every minute', () => {
  const cycle = { scanSeconds: 10, periodSeconds: 60 };
  assert.deepEqual(dutyPhase(120, cycle), { scanning: true, nextChangeAt: 130 });
  assert.deepEqual(dutyPhase(129.999, cycle), { scanning: true, nextChangeAt: 130 });
  assert.deepEqual(dutyPhase(130, cycle), { scanning: false, nextChangeAt: 180 });
  assert.deepEqual(dutyPhase(179, cycle), { scanning: false, nextChangeAt: 180 });
});

test('a scan as long as its period is continuous', () => {
  assert.deepEqual(dutyPhase(12345, { scanSeconds: 60, periodSeconds: 60 }), {
    scanning: true,
    nextChangeAt: Infinity,
  });
});
