/**
 * The dashboard in a real browser against the real demo, one demo and one page for every
 * topic (starting a demo and chromium per topic costs more than the checks themselves).
 * Skips when chromium is not installed or the page is not built (`vite build web`).
 *
 * The order matters: live steps run while the replay does (they need its stream, or fill the
 * wait); once it has finished, the figures are compared with the API before the hostile-SSID
 * step stores a window after the current one, and Reset time comes last.
 */
import { test } from 'node:test';
import { runDashboard } from './browserHarness.ts';
import { chart } from './chart.ts';
import { dataPanel } from './dataPanel.ts';
import { deviceTables } from './deviceTables.ts';
import { escaping } from './escaping.ts';
import { floorPlan } from './floorPlan.ts';
import { headcounts } from './headcounts.ts';
import { liveFigures } from './liveFigures.ts';
import { zones } from './zones.ts';

test('the dashboard in a real browser against the demo', { timeout: 180_000 }, (t) =>
  runDashboard(t, [liveFigures, chart, deviceTables, floorPlan, zones, headcounts, escaping, dataPanel]),
);
