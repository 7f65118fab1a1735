/** People in one named zone of the site now. */
export interface ZoneCount {
  name: string;
  /** Estimated people in the zone now; 0 when nobody is. */
  people: number;
}

/**
 * What the hub knows of its zones, for the parts that report them (Home Assistant): the zones of
 * the site with their counts now, and a word when they change. The zones model implements it;
 * the readers depend on nothing else of it.
 */
export interface ZoneOccupancy {
  /** Every zone of the site, in a stable order, with its count now. */
  current(): readonly ZoneCount[];
  /** `listener` runs after zones were added or removed or a count changed; returns the unsubscribe. */
  onChange(listener: () => void): () => void;
}
