import { displayBytes } from '../displayBytes.ts';

/** Display form of a BLE local name (see displayBytes.ts), without the NUL padding many devices add. */
export function displayText(data: Uint8Array, offset: number, end: number): string {
  let stop = Math.min(end, data.length);
  while (stop > offset && data[stop - 1] === 0) stop--;
  return displayBytes(data.subarray(offset, stop));
}
