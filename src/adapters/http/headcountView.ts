import type { HeadcountRow } from '../storage/store.ts';

/** What the API needs of the hub's headcounts (see src/app/hub/hubHeadcounts.ts). */
export interface HeadcountView {
  /** The stored headcounts, oldest first. */
  list(): Promise<HeadcountRow[]>;
  /** Stores a count of people at `t` and revises the estimates; resolves once they are written. */
  add(headcount: { t: number; count: number }): Promise<HeadcountRow>;
  /** False when there is no headcount with that id. */
  remove(id: number): Promise<boolean>;
  /** People per unit of the model's estimate at the newest window, as the headcounts put it. */
  scale(): { t: number; mean: number; sd: number } | undefined;
}
