import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSensorTopic, sensorTopic, siteFilter } from '../../../src/adapters/transport/topics.ts';

test('topics: one per sensor and kind, ids that hold MQTT syntax cannot escape their segment', () => {
  const scope = { site: 'brno/lab' };
  assert.equal(sensorTopic(scope, 'pi-1', 'window'), 'airtrace/brno%2Flab/pi-1/window');
  assert.equal(siteFilter(scope, 'status'), 'airtrace/brno%2Flab/+/status');
  for (const id of ['pi-1', 'a/b', 'x+#', 'ünï code', '%41']) {
    for (const kind of ['window', 'status'] as const) {
      const topic = sensorTopic(scope, id, kind);
      assert.equal(topic.split('/').length, 4);
      assert.doesNotMatch(topic.split('/')[2]!, /[+#/]/);
      assert.deepEqual(parseSensorTopic(scope, topic), { sensorId: id, kind });
    }
  }
  assert.equal(sensorTopic({ prefix: 'venue', site: 's' }, 'a', 'window'), 'venue/s/a/window');
});

test('topics: anything else is not a sensor topic of the site', () => {
  const scope = { site: 's' };
  for (const topic of [
    'airtrace/other/a/window',
    'airtrace/s/a/b/window',
    'airtrace/s//window',
    'airtrace/s/a/log',
    'airtrace/s/%E0%A4%A/window',
  ]) {
    assert.equal(parseSensorTopic(scope, topic), undefined, topic);
  }
  assert.throws(() => sensorTopic(scope, '', 'window'), RangeError);
  assert.throws(() => sensorTopic({ prefix: 'a/#', site: 's' }, 'x', 'window'), RangeError);
});
