import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type ApiHeatmap, type ApiPosition, type ApiSite } from './api.ts';
import type { PositionFeed } from './positionFeed.ts';

const HEAT_KEY = 'airtrace.heatmap';
/** Redraws for live positions at most this often (about five a second). */
const REDRAW_MS = 200;
const HEAT_REFRESH_MS = 60_000;
/** While the heat map is empty, the first positions fetch it again, at most this often. */
const HEAT_EMPTY_RETRY_MS = 5_000;
const SITE_RETRY_MS = 15_000;
/** A dot fades out over this many positioning windows, then goes. */
const FADE_WINDOWS = 3;
const DEFAULT_POSITIONING_SECONDS = 2;

/** A position on the plan and how far it has faded (1 fresh, towards 0 old). */
export interface ShownPosition {
  p: ApiPosition;
  opacity: number;
}

/**
 * The data clock: the newest fix seen, moved on by the wall clock since it arrived. A replay
 * runs faster than real time, so the browser's clock alone would fade every dot at once.
 */
class DataClock {
  private t = -Infinity;
  private at = 0;
  see(t: number): void {
    if (t > this.t) {
      this.t = t;
      this.at = Date.now() / 1000;
    }
  }
  now(): number {
    return this.t + (Date.now() / 1000 - this.at);
  }
}

/**
 * What the floor plan draws: the site (asked again until the hub answers), the last hour's heat
 * map (refreshed each minute, while switched on), and the latest fix of each device, live from
 * the event stream, fading with the data clock. `reconnectKey` changes when the stream
 * reconnected: everything is fetched again.
 */
export function useFloorPlanData(feed: PositionFeed, reconnectKey: number) {
  const [site, setSite] = useState<ApiSite | null>(null);
  const [heatOn, setHeatOn] = useState(() => localStorage.getItem(HEAT_KEY) !== 'off');
  const [heat, setHeat] = useState<ApiHeatmap | null>(null);
  const [, setVersion] = useState(0);
  const positions = useRef(new Map<string, ApiPosition>());
  const clock = useRef(new DataClock());
  const liveFixes = useRef(0);
  const redrawPending = useRef<ReturnType<typeof setTimeout>>();
  const heatFetchedAt = useRef(0);
  const heatRef = useRef(heat);
  heatRef.current = heat;

  const hasBounds = (site?.bounds ?? null) !== null;
  const positioningSeconds = site?.positioning?.windowSeconds ?? DEFAULT_POSITIONING_SECONDS;

  const redrawSoon = () => {
    if (redrawPending.current !== undefined) return;
    redrawPending.current = setTimeout(() => {
      redrawPending.current = undefined;
      setVersion((v) => v + 1);
    }, REDRAW_MS);
  };

  const remember = (p: ApiPosition) => {
    const known = positions.current.get(p.deviceId);
    if (known === undefined || known.t <= p.t) positions.current.set(p.deviceId, p);
    clock.current.see(p.t);
  };

  const loadHeat = () => {
    heatFetchedAt.current = Date.now();
    api
      .heatmap()
      .then(setHeat)
      .catch(() => setHeat(null));
  };

  // The site: until the hub answers (an older hub has no api/site), ask again now and then.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live = true;
    const load = () =>
      api.site().then(
        (s) => live && setSite(s),
        () => {
          if (live) timer = setTimeout(load, SITE_RETRY_MS);
        },
      );
    void load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [reconnectKey]);

  // The latest fix of each device, then every new one from the event stream.
  useEffect(() => {
    if (!hasBounds) return;
    api
      .currentPositions()
      .then((r) => {
        r.positions.forEach(remember);
        redrawSoon();
      })
      .catch(() => {});
    return feed.listen((p) => {
      liveFixes.current++;
      remember(p);
      redrawSoon();
      const h = heatRef.current;
      if ((h === null || h.max === 0) && Date.now() - heatFetchedAt.current > HEAT_EMPTY_RETRY_MS) loadHeat();
    });
  }, [hasBounds, reconnectKey]);

  // Dots fade with the data clock even when nothing new arrives.
  useEffect(() => {
    if (!hasBounds) return;
    const timer = setInterval(() => positions.current.size > 0 && setVersion((v) => v + 1), 1000);
    return () => {
      clearInterval(timer);
      clearTimeout(redrawPending.current);
      redrawPending.current = undefined;
    };
  }, [hasBounds]);

  useEffect(() => {
    if (!hasBounds || !heatOn) return;
    loadHeat();
    const timer = setInterval(loadHeat, HEAT_REFRESH_MS);
    return () => clearInterval(timer);
  }, [hasBounds, heatOn, reconnectKey]);

  /** The fixes still on the plan, most faded first (drawn underneath); older ones are dropped. */
  const shownPositions = (): ShownPosition[] => {
    const now = clock.current.now();
    const maxAge = FADE_WINDOWS * positioningSeconds;
    const shown: ShownPosition[] = [];
    for (const [id, p] of positions.current) {
      const age = now - p.t;
      if (age > maxAge) positions.current.delete(id);
      else
        shown.push({
          p,
          opacity:
            age <= positioningSeconds ? 1 : 1 - (age - positioningSeconds) / (maxAge - positioningSeconds),
        });
    }
    return shown.sort((a, b) => a.opacity - b.opacity);
  };

  const toggleHeat = (on: boolean) => {
    setHeatOn(on);
    localStorage.setItem(HEAT_KEY, on ? 'on' : 'off');
  };

  return { site, heat, heatOn, toggleHeat, shownPositions, liveFixes: liveFixes.current };
}
