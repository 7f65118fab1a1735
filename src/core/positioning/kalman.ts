import { nearestOnFloor } from './floorArea.ts';
import { type Solver, type Tracker, floorAreaOf, makeFix } from './solver.ts';

/**
 * A constant-velocity Kalman filter over the fixes of a single-window solver. State (x, y, vx,
 * vy); between windows the velocity drifts by white acceleration noise; each fix is a position
 * measurement whose noise is the solver's own spread (floored) or a fixed figure. Fixes that
 * jump implausibly far (Mahalanobis gate) are down-weighted rather than followed.
 */

export interface KalmanOptions {
  /** Acceleration noise, m/s² (default 0.5). */
  accelSigma?: number;
  /** Position noise of a fix without a spread, metres (default 2); also the floor for spreads. */
  fixSigma?: number;
  /** A silence longer than this starts a new track, seconds (default 30). */
  maxGapSeconds?: number;
  /** Fastest plausible walker, m/s (default 2). */
  maxSpeed?: number;
}

export interface KalmanState {
  t: number;
  /** [x, y, vx, vy] */
  s: [number, number, number, number];
  /** Covariance, row-major 4x4. */
  P: number[];
}

type M4 = number[];

function mul(a: M4, b: M4): M4 {
  const o = new Array<number>(16).fill(0);
  for (let i = 0; i < 4; i++)
    for (let k = 0; k < 4; k++) {
      const aik = a[i * 4 + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < 4; j++) o[i * 4 + j] = o[i * 4 + j]! + aik * b[k * 4 + j]!;
    }
  return o;
}

function transpose(a: M4): M4 {
  const o = new Array<number>(16);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) o[j * 4 + i] = a[i * 4 + j]!;
  return o;
}

function predict(st: KalmanState, dt: number, q: number): KalmanState {
  const F = [1, 0, dt, 0, 0, 1, 0, dt, 0, 0, 1, 0, 0, 0, 0, 1];
  const [x, y, vx, vy] = st.s;
  // White-acceleration process noise for one axis: q² [dt⁴/4, dt³/2; dt³/2, dt²].
  const a = (q * q * dt ** 4) / 4;
  const b = (q * q * dt ** 3) / 2;
  const c = q * q * dt * dt;
  const Q = [a, 0, b, 0, 0, a, 0, b, b, 0, c, 0, 0, b, 0, c];
  const P = mul(mul(F, st.P), transpose(F)).map((v, i) => v + Q[i]!);
  return { t: st.t + dt, s: [x + vx * dt, y + vy * dt, vx, vy], P };
}

function update(st: KalmanState, zx: number, zy: number, r: number, gated = false): KalmanState {
  const P = st.P;
  // H picks (x, y); S = H P Hᵀ + R is 2x2.
  const s11 = P[0]! + r;
  const s12 = P[1]!;
  const s22 = P[5]! + r;
  const det = s11 * s22 - s12 * s12;
  const i11 = s22 / det;
  const i12 = -s12 / det;
  const i22 = s11 / det;
  const ex = zx - st.s[0];
  const ey = zy - st.s[1];
  // Gate: beyond about 3 sigma, trust the fix less instead of jumping to it.
  const m2 = ex * (i11 * ex + i12 * ey) + ey * (i12 * ex + i22 * ey);
  if (m2 > 9 && !gated) return update(st, zx, zy, (r * m2) / 9, true);
  // K = P Hᵀ S⁻¹ (4x2)
  const K: number[] = [];
  for (let i = 0; i < 4; i++) {
    const p0 = P[i * 4]!;
    const p1 = P[i * 4 + 1]!;
    K.push(p0 * i11 + p1 * i12, p0 * i12 + p1 * i22);
  }
  const s = st.s.map((v, i) => v + K[i * 2]! * ex + K[i * 2 + 1]! * ey) as KalmanState['s'];
  // P = (I - K H) P
  const np = new Array<number>(16);
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 4; j++) np[i * 4 + j] = P[i * 4 + j]! - K[i * 2]! * P[j]! - K[i * 2 + 1]! * P[4 + j]!;
  return { t: st.t, s, P: np };
}

export function createKalmanTracker(
  inner: Solver,
  name = `${inner.name}+kalman`,
  options: KalmanOptions = {},
): Tracker<KalmanState> {
  const q = options.accelSigma ?? 0.5;
  const fixSigma = options.fixSigma ?? 2;
  const maxGap = options.maxGapSeconds ?? 30;
  const maxSpeed = options.maxSpeed ?? 2;
  return {
    kind: 'tracker',
    name,
    step(state, input) {
      const fix = inner.solve(input);
      const dt = state ? input.t - state.t : Infinity;
      const live = state && dt >= 0 && dt <= maxGap ? predict(state, dt, q) : undefined;
      if (!fix.ok) {
        if (!live) return { state: undefined, solution: fix };
        const sol = makeFix({ x: live.s[0], y: live.s[1] }, input, {
          spread: Math.sqrt(live.P[0]! + live.P[5]!),
        });
        return { state: live, solution: { ...sol, predicted: true } };
      }
      const r = Math.max(fixSigma, fix.spread ?? fixSigma) ** 2;
      let next: KalmanState = live
        ? update(live, fix.x, fix.y, r)
        : { t: input.t, s: [fix.x, fix.y, 0, 0], P: [r, 0, 0, 0, 0, r, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] };
      const speed = Math.hypot(next.s[2], next.s[3]);
      if (speed > maxSpeed) {
        const f = maxSpeed / speed;
        next = { ...next, s: [next.s[0], next.s[1], next.s[2] * f, next.s[3] * f] };
      }
      let p = { x: next.s[0], y: next.s[1] };
      let clamped = false;
      const area = floorAreaOf(input);
      if (area) {
        // The state itself goes back onto the floor, not only the published fix.
        const c = nearestOnFloor(p, area);
        clamped = c !== p;
        p = c;
        next = { ...next, s: [p.x, p.y, next.s[2], next.s[3]] };
      }
      const spread = Math.sqrt(next.P[0]! + next.P[5]!);
      return { state: next, solution: makeFix(p, input, { clamped, spread }) };
    },
  };
}
