/** One interface of a pcapng section, as its Interface Description Block describes it. */
export interface PcapngInterface {
  /** -1 when the description could not be read. */
  linkType: number;
  snapLen: number;
  /** Timestamp units per second. */
  unitsPerSecond: number;
  /** if_tsoffset, seconds. */
  offsetSeconds: number;
}

const OPT_END = 0;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;
const TWO_32 = 4294967296;

/**
 * Reads an Interface Description Block at `pos` (its whole length is `blockLength`): link type,
 * snap length, and the `if_tsresol` and `if_tsoffset` options that give its timestamps meaning.
 * A block too short to hold them comes back with link type -1; options that run past the
 * block's end are ignored.
 */
export function readInterfaceDescription(
  view: DataView,
  pos: number,
  blockLength: number,
  le: boolean,
): PcapngInterface {
  if (blockLength < 20) return { linkType: -1, snapLen: 0, unitsPerSecond: 1e6, offsetSeconds: 0 };
  const iface: PcapngInterface = {
    linkType: view.getUint16(pos + 8, le),
    snapLen: view.getUint32(pos + 12, le),
    unitsPerSecond: 1e6,
    offsetSeconds: 0,
  };
  const optionsEnd = pos + blockLength - 4;
  let p = pos + 16;
  while (optionsEnd - p >= 4) {
    const code = view.getUint16(p, le);
    const length = view.getUint16(p + 2, le);
    if (code === OPT_END || p + 4 + length > optionsEnd) break;
    if (code === OPT_IF_TSRESOL && length >= 1) {
      const resolution = view.getUint8(p + 4);
      const exponent = resolution & 0x7f;
      const units = resolution & 0x80 ? 2 ** exponent : 10 ** exponent;
      if (Number.isFinite(units) && units > 0) iface.unitsPerSecond = units;
    } else if (code === OPT_IF_TSOFFSET && length >= 8) {
      const high = le ? view.getInt32(p + 8, true) : view.getInt32(p + 4, false);
      const low = le ? view.getUint32(p + 4, true) : view.getUint32(p + 8, false);
      iface.offsetSeconds = high * TWO_32 + low;
    }
    p += 4 + ((length + 3) & ~3);
  }
  return iface;
}
