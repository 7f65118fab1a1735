/** Windows are aligned to the clock (a 60 s window starts on the minute), so sensors agree on them. */
export function windowStartOf(t: number, windowSeconds: number): number {
  return Math.floor(t / windowSeconds) * windowSeconds;
}
