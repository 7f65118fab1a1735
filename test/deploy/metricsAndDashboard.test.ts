/**
 * /metrics follows Prometheus naming (airtrace_ prefix, counters end in _total, base units, no
 * label that names a device), and the Grafana dashboard in deploy/grafana only asks for metrics
 * the hub exposes. The metrics come from a real hub that stored windows of two sensors, counted
 * them, refused one and heard sensor statuses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderMetrics } from '../../src/adapters/http/metricsRoute.ts';
import { SqliteStore } from '../../src/adapters/storage/sqlite/sqliteStore.ts';
import { defaultCountingParams } from '../../src/core/occupancy/countingParams.ts';
import { startHubRig } from '../helpers/hubRig.ts';
import { ManualClock } from '../helpers/manualClock.ts';
import { repoRoot } from '../helpers/paths.ts';
import { syntheticWindow } from '../adapters/transport/realWindows.ts';

interface Family {
  type: string;
  samples: { labels: Record<string, string>; value: string }[];
}

/** The text exposition format, read back: families by name with their samples. */
function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) families.set(type[1]!, { type: type[2]!, samples: [] });
    const sample = /^([a-z_:][a-z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (sample && !line.startsWith('#')) {
      const labels = Object.fromEntries(
        [...(sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]),
      );
      families.get(sample[1]!)?.samples.push({ labels, value: sample[3]! });
    }
  }
  return families;
}

async function hubMetricsText(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'airtrace-metrics-'));
  const store = new SqliteStore(join(dir, 'hub.db'));
  const now = 1_700_000_040;
  const rig = await startHubRig({
    store,
    siteName: 'lab',
    windowSeconds: 60,
    ratio: 0.7,
    exportDir: dir,
    counting: defaultCountingParams(),
    clock: new ManualClock(now + 90),
  });
  try {
    await rig.send(
      syntheticWindow('pi-a', now - 60, 6),
      syntheticWindow('pi-a', now, 8),
      syntheticWindow('pi-b', now, 5),
    );
    await rig.status({ sensorId: 'pi-a', scanning: true, at: now, outboxDepth: 2, bleRestarts: 3 });
    await rig.send({ ...syntheticWindow('pi-b', now, 1), windowEnd: now + 30 }); // refused: wrong length
    await rig.hub.settled();
    return renderMetrics(rig.hub.metrics());
  } finally {
    await rig.stop();
    await store.close();
  }
}

test('metric names: airtrace_ prefix, _total counters, base units, no device in any label', async () => {
  const families = parseExposition(await hubMetricsText());
  assert.ok(families.size >= 20, `${families.size} families`);
  for (const [name, family] of families) {
    assert.match(name, /^airtrace_[a-z0-9_]+$/, name);
    if (family.type === 'counter') assert.match(name, /_total$/, `${name} is a counter`);
    else assert.doesNotMatch(name, /_total$/, `${name} is a ${family.type}, not a counter`);
    assert.doesNotMatch(
      name,
      /_(milliseconds|ms|minutes|hours|bytes_kb|percent)(_|$)/,
      `${name}: base units`,
    );
    for (const sample of family.samples) {
      for (const [label, value] of Object.entries(sample.labels)) {
        assert.ok(['sensor', 'reason', 'medium'].includes(label), `${name}: label ${label}`);
        assert.doesNotMatch(value, /^[0-9a-f]{32}$/, `${name}: a device id in ${label}`);
        assert.doesNotMatch(value, /([0-9a-f]{2}[:-]){5}[0-9a-f]{2}/i, `${name}: an address in ${label}`);
      }
    }
  }
  // The site's figures, the new watchdog counter, and the renamed untracked-windows counter.
  assert.ok(Number(families.get('airtrace_people')!.samples[0]!.value) > 0);
  assert.ok(families.has('airtrace_people_low') && families.has('airtrace_people_high'));
  assert.deepEqual(
    families
      .get('airtrace_window_devices')!
      .samples.map((s) => s.labels['medium'])
      .sort(),
    ['ble', 'wifi'],
  );
  assert.deepEqual(families.get('airtrace_sensor_ble_discovery_restarts_total')!.samples, [
    { labels: { sensor: 'pi-a' }, value: '3' },
  ]);
  assert.ok(families.has('airtrace_untracked_sensor_windows_total'));
  assert.ok(!families.has('airtrace_sensors_untracked_total'), 'a counter of windows is named for windows');
  assert.equal(families.get('airtrace_windows_refused_total')!.samples.length, 1);
});

test('the Grafana dashboard asks only for metrics the hub exposes', async () => {
  const dashboard = JSON.parse(readFileSync(join(repoRoot, 'deploy/grafana/airtrace.json'), 'utf8')) as {
    uid: string;
    title: string;
    __inputs: { name: string; pluginId: string }[];
    panels: {
      id: number;
      type: string;
      gridPos: { x: number; y: number; w: number; h: number };
      targets?: { expr: string; refId: string; datasource: { uid: string } }[];
    }[];
  };
  assert.equal(dashboard.uid, 'airtrace-hub');
  assert.deepEqual(
    dashboard.__inputs.map((i) => [i.name, i.pluginId]),
    [['DS_PROMETHEUS', 'prometheus']],
  );
  const ids = dashboard.panels.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
  const exposed = new Set(parseExposition(await hubMetricsText()).keys());
  // Families broken down by a label appear once something is counted (an MQTT message refused):
  // those are taken from the hub's metric names as written.
  const source = readFileSync(join(repoRoot, 'src/app/hub/hubMetrics.ts'), 'utf8');
  for (const [, name] of source.matchAll(/name: '(airtrace_[a-z0-9_]+)'/g))
    if (/_by_reason_/.test(name!)) exposed.add(name!);
  const asked = new Set<string>();
  for (const panel of dashboard.panels) {
    assert.ok(panel.gridPos.x + panel.gridPos.w <= 24, `panel ${panel.id} fits the 24 columns`);
    if (panel.type === 'row') continue;
    assert.ok((panel.targets ?? []).length > 0, `panel ${panel.id} has queries`);
    for (const target of panel.targets!) {
      assert.equal(target.datasource.uid, '${DS_PROMETHEUS}');
      assert.match(target.refId, /^[A-Z]$/);
      for (const [name] of target.expr.matchAll(/airtrace_[a-z0-9_]+/g)) asked.add(name);
    }
  }
  assert.ok(asked.size >= 15, `${asked.size} metrics charted`);
  for (const name of asked) assert.ok(exposed.has(name), `${name} is charted but not exposed`);
});
