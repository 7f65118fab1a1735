/** The JSON shapes of /api/headcounts (see apiTypes.ts for the rest of the API). */

/** A count of the people in the room that calibrates the estimates. */
export interface ApiHeadcount {
  id: number;
  /** When the people were counted, Unix seconds. */
  t: number;
  count: number;
  /** The counting model's own estimate at `t` (before calibration), or null when the hub had none. */
  estimate: number | null;
  createdAt: number;
}

export interface ApiHeadcounts {
  headcounts: ApiHeadcount[];
  /**
   * People per unit of the model's estimate at the newest window, as the headcounts put it (1
   * without any), with its standard deviation; null before the first estimate or without a model.
   */
  scale: { t: number; mean: number; sd: number } | null;
  /** False when the hub counts by ratio: headcounts need the counting model. */
  available: boolean;
}

/** POST /api/headcounts: `t` defaults to the hub's now. */
export interface ApiNewHeadcount {
  t?: number;
  count: number;
}
