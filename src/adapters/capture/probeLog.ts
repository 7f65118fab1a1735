import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { Observation } from '../../core/model.ts';
import type { Point2 } from '../../core/positioning/geometry.ts';
import {
  type ProbeLogProblem,
  parseProbeLogLine,
  parseSpotName,
} from '../../core/positioning/probeLogLine.ts';

/**
 * Reads the positioning document's probe-log CSV from a byte stream or a file. Lines may be split
 * anywhere across chunks (even inside a UTF-8 character); bad lines are counted by reason and
 * skipped, and reading goes on. Only a file that cannot be opened is fatal.
 */

export interface ProbeLogStats {
  lines: number;
  observations: number;
  headers: number;
  blank: number;
  /** Bad lines by reason. */
  skipped: Partial<Record<ProbeLogProblem, number>>;
  /** The first few bad lines, for a message the user can act on. */
  examples: { line: number; problem: ProbeLogProblem }[];
}

export interface ProbeLogResult {
  stats: ProbeLogStats;
  /** Why the stream could not be read to its end: a sentence for the user. */
  fatal?: string;
}

export interface ProbeLogRecording extends ProbeLogResult {
  path: string;
  /** Where the recording was made, from a file name `X-Y.log`. */
  spot?: Point2;
  observations: Observation[];
}

const MAX_EXAMPLES = 5;

export function emptyProbeLogStats(): ProbeLogStats {
  return { lines: 0, observations: 0, headers: 0, blank: 0, skipped: {}, examples: [] };
}

function takeLine(line: string, stats: ProbeLogStats, onObservation: (o: Observation) => void): void {
  stats.lines++;
  const parsed = parseProbeLogLine(line);
  switch (parsed.kind) {
    case 'observation':
      stats.observations++;
      onObservation(parsed.observation);
      break;
    case 'header':
      stats.headers++;
      break;
    case 'blank':
      stats.blank++;
      break;
    case 'bad':
      stats.skipped[parsed.problem] = (stats.skipped[parsed.problem] ?? 0) + 1;
      if (stats.examples.length < MAX_EXAMPLES)
        stats.examples.push({ line: stats.lines, problem: parsed.problem });
      break;
  }
}

/** Feeds every observation of a probe-log byte (or text) stream to `onObservation`. */
export async function readProbeLogStream(
  chunks: AsyncIterable<Uint8Array | string>,
  onObservation: (o: Observation) => void,
): Promise<ProbeLogResult> {
  const stats = emptyProbeLogStats();
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  try {
    for await (const chunk of chunks) {
      const text = rest + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
      const lines = text.split('\n');
      rest = lines.pop()!;
      for (const line of lines) takeLine(line, stats, onObservation);
    }
  } catch (err) {
    // The unfinished last line is cut off, not bad: it is left out.
    return { stats, fatal: `the probe log could not be read to its end: ${(err as Error).message}` };
  }
  rest += decoder.decode();
  if (rest !== '') takeLine(rest, stats, onObservation);
  return { stats };
}

/** Reads one probe-log file; a name `X-Y.log` also gives the spot it was recorded at. */
export async function readProbeLog(path: string): Promise<ProbeLogRecording> {
  const observations: Observation[] = [];
  const result = await readProbeLogStream(createReadStream(path), (o) => observations.push(o));
  const spot = parseSpotName(basename(path));
  return { path, observations, ...result, ...(spot ? { spot } : {}) };
}

/** A one-line account of what was skipped, or undefined when nothing was. */
export function describeSkipped(stats: ProbeLogStats): string | undefined {
  const parts = Object.entries(stats.skipped).map(([reason, n]) => `${n} ${reason}`);
  if (parts.length === 0) return undefined;
  const where = stats.examples.map((e) => e.line).join(', ');
  return `skipped ${parts.join(', ')} (first at line ${where})`;
}
