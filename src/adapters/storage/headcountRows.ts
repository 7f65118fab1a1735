/**
 * Headcounts as the stores keep them: someone counted the people in the room ("12 now"), and the
 * hub's estimates are calibrated by every count it keeps (see core/occupancy/headcounts.ts).
 */
export interface HeadcountRow {
  id: number;
  /** When the people were counted, Unix seconds. */
  t: number;
  /** How many people were counted. */
  count: number;
  /**
   * The counting model's own (uncalibrated) estimate at `t` when the count was stored, or null
   * when the hub had none: it lets the count inform the long-term scale after that window has
   * left the hub's memory.
   */
  estimate: number | null;
  /** When the count was stored, Unix seconds. */
  createdAt: number;
}

export type NewHeadcount = Omit<HeadcountRow, 'id'>;
