import { horizontalRange } from './geometry.ts';
import { fisherSpread } from './fisherSpread.ts';
import { type SolveInput, type Solution, type Solver, checkTrilaterable, makeFix, refuse } from './solver.ts';

/**
 * The positioning document's trilateration: subtract the last sensor's circle equation from the
 * others, which leaves a linear system A p = b in the position p, and solve it with the
 * pseudo-inverse, p = (AᵀA)⁻¹Aᵀb. Fast and closed-form, but it weighs a 15 m range as much
 * as a 2 m one and knows nothing of the floor: the baseline the other solvers are judged by. Its
 * answer can lie hundreds of metres away; like every fix it is then moved onto the floor
 * (`makeFix`), with `clamped` set and the distance it was moved added to its spread.
 */

export interface LinearOptions {
  /** Turn slant ranges into horizontal ones with the sensors' and the device's heights (default true). */
  useHeight?: boolean;
}

export function solveLinear(input: SolveInput, options: LinearOptions = {}): Solution {
  const refusal = checkTrilaterable(input);
  if (refusal) return refusal;
  const ms = input.measurements;
  const z = options.useHeight === false ? undefined : input.deviceZ;
  const r = ms.map((m) => (z === undefined ? m.distance : horizontalRange(m.distance, m.z - z)));
  const last = ms.length - 1;
  const xn = ms[last]!.x;
  const yn = ms[last]!.y;
  const rn = r[last]!;
  // Normal equations of the (m-1) x 2 system, accumulated row by row.
  let a11 = 0;
  let a12 = 0;
  let a22 = 0;
  let v1 = 0;
  let v2 = 0;
  for (let i = 0; i < last; i++) {
    const m = ms[i]!;
    const ax = 2 * (m.x - xn);
    const ay = 2 * (m.y - yn);
    const b = rn * rn - r[i]! * r[i]! + m.x * m.x - xn * xn + m.y * m.y - yn * yn;
    a11 += ax * ax;
    a12 += ax * ay;
    a22 += ay * ay;
    v1 += ax * b;
    v2 += ay * b;
  }
  const det = a11 * a22 - a12 * a12;
  const scale = (a11 + a22) ** 2;
  if (!(det > 1e-12 * scale))
    return refuse('degenerate-geometry', 'the linear system is singular (sensors on one line)');
  const p = { x: (a22 * v1 - a12 * v2) / det, y: (a11 * v2 - a12 * v1) / det };
  if (!Number.isFinite(p.x) || !Number.isFinite(p.y))
    return refuse('invalid-input', 'the ranges are too large to solve');
  return makeFix(p, input, { spread: Math.min(fisherSpread(ms, p, z), 1e6) });
}

export function createLinearSolver(name = 'linear', options: LinearOptions = {}): Solver {
  return { kind: 'solver', name, solve: (input) => solveLinear(input, options) };
}
