/** What a capture stream reader hands out: records, and problems instead of exceptions. */
export interface CaptureRecord {
  linkType: number;
  interfaceId: number;
  /** Unix seconds, float. NaN for pcapng Simple Packet Blocks, which carry no timestamp. */
  t: number;
  /** Captured bytes; may be a view into an internal buffer, valid only during the onRecord call. */
  data: Uint8Array;
  origLen: number;
}

export interface CaptureProblem {
  fatal: boolean;
  /** Short stable key for counting, e.g. 'truncated-record', 'bad-magic', 'oversized-record', 'bad-block'. */
  reason: string;
  /** Human sentence. */
  message: string;
}

export interface CaptureHandlers {
  onRecord(r: CaptureRecord): void;
  onProblem(p: CaptureProblem): void;
}
