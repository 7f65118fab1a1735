export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** The same work done by the reference in the same run; undefined when it cannot run here. */
  reference: number | undefined;
  referenceName: string;
  /** The ratio value/reference the project promises (a floor, or a ceiling when lower is better). */
  target?: number;
  /** True when a smaller value is better (latencies). */
  lowerIsBetter?: boolean;
}

export function formatResult(r: BenchResult): string {
  const value = `${r.value.toLocaleString('en-US', { maximumFractionDigits: 1 })} ${r.unit}`;
  if (r.reference === undefined) return `${r.name}: ${value} (reference ${r.referenceName} not available)`;
  const ratio = r.lowerIsBetter ? r.reference / r.value : r.value / r.reference;
  const verdict =
    r.target === undefined
      ? ''
      : ratio >= r.target
        ? ` (target ${r.target}x: met)`
        : ` (target ${r.target}x: MISSED)`;
  return (
    `${r.name}: ${value}; ${r.referenceName}: ` +
    `${r.reference.toLocaleString('en-US', { maximumFractionDigits: 1 })} ${r.unit}; ratio ${ratio >= 10 ? ratio.toFixed(0) : ratio.toPrecision(2)}x${verdict}`
  );
}
