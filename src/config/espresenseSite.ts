import { z } from 'zod';
import { normaliseSensorId } from '../core/positioning/probeLogLine.ts';

/**
 * The site file's `espresense` section: which ESPresense node (by its room, as it publishes it in
 * `espresense/devices/<id>/<room>`) is which sensor of the site. For example
 *
 *   "espresense": {"rooms": {"kitchen": "esp-kitchen", "living_room": "esp-living"}}
 *
 * Each sensor named here is listed in `sensors` with its coordinates, like any other, so the
 * node's readings count for presence and, with three or more nodes, for live positioning.
 */
export const espresenseSiteSection = z.strictObject({
  /** Room slug (lower case, as the node publishes it) -> sensor id in `sensors`. */
  rooms: z.record(
    z.string().regex(/^[^/+#\s]{1,64}$/, 'a room name as ESPresense publishes it (no /, +, # or spaces)'),
    z.string().min(1),
  ),
});

export type EspresenseSiteSection = z.infer<typeof espresenseSiteSection>;

export interface EspresenseRoomProblem {
  path: string;
  message: string;
  hint: string;
}

/**
 * Rooms that name a sensor the site does not list, or two rooms that name the same sensor: a
 * node's readings would then belong nowhere, or two nodes would pass as one.
 */
export function espresenseRoomProblems(
  section: EspresenseSiteSection,
  sensorIds: readonly string[],
): EspresenseRoomProblem[] {
  const known = new Set(sensorIds.map(normaliseSensorId));
  const problems: EspresenseRoomProblem[] = [];
  const roomOf = new Map<string, string>();
  for (const [room, sensor] of Object.entries(section.rooms)) {
    const id = normaliseSensorId(sensor);
    if (!known.has(id))
      problems.push({
        path: `espresense.rooms.${room}`,
        message: `sensor ${JSON.stringify(sensor)} is not in sensors`,
        hint: 'list the node in sensors with its coordinates, or fix the id',
      });
    const other = roomOf.get(id);
    if (other !== undefined)
      problems.push({
        path: `espresense.rooms.${room}`,
        message: `sensor ${JSON.stringify(sensor)} is also room ${other}'s`,
        hint: 'each ESPresense node is its own sensor',
      });
    else roomOf.set(id, room);
  }
  return problems;
}
