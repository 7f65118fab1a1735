import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  discoveryTopic,
  haDisplayName,
  haScope,
  haSlug,
  siteStateTopic,
} from '../../../src/adapters/homeassistant/haTopics.ts';
import { parseSensorTopic } from '../../../src/adapters/transport/topics.ts';

test('slugs: clean names stay, others get a hash of themselves, addresses become only a hash', () => {
  assert.equal(haSlug('kitchen'), 'kitchen');
  assert.match(haSlug('Kitchen'), /^kitchen_[0-9a-f]{6}$/);
  assert.notEqual(haSlug('Main Hall'), haSlug('main hall'));
  assert.match(haSlug('Main Hall'), /^main_hall_[0-9a-f]{6}$/);
  assert.match(haSlug('✓✓'), /^h[0-9a-f]{6}$/);
  for (const mac of ['e4956e410ac2', 'E4:95:6E:41:0A:C2', 'e4-95-6e-41-0a-c2', 'pi-e4956e410ac2']) {
    const slug = haSlug(mac);
    assert.match(slug, /^h[0-9a-f]{6}$/, mac);
    assert.ok(!slug.includes('e4956e'));
  }
  assert.equal(haDisplayName('sensor E4:95:6E:41:0A:C2'), 'sensor [mac]');
  fc.assert(
    fc.property(fc.string({ maxLength: 80 }), (name) => {
      assert.match(haSlug(name), /^[a-z0-9_]{1,48}$/);
    }),
  );
});

test('topics: discovery under the node id; states under the site, never read as a sensor topic', () => {
  const scope = haScope('homeassistant', 'airtrace', 'Venue 1');
  assert.equal(scope.nodeId, `airtrace_${haSlug('Venue 1')}`);
  assert.equal(
    discoveryTopic(scope, 'sensor', 'people'),
    `homeassistant/sensor/${scope.nodeId}/people/config`,
  );
  assert.equal(siteStateTopic(scope), 'airtrace/Venue%201/homeassistant/site');
  for (const topic of [
    siteStateTopic(scope),
    `${scope.stateRoot}/availability`,
    `${scope.stateRoot}/site/people`,
    `${scope.stateRoot}/zone/kitchen`,
    `${scope.stateRoot}/sensor/pi`,
  ])
    assert.equal(parseSensorTopic({ site: 'Venue 1' }, topic), undefined, topic);
});
