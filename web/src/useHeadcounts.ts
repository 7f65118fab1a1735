import { useEffect, useState } from 'preact/hooks';
import { api, type ApiHeadcounts } from './api.ts';

/**
 * The hub's headcounts and the scale they give the estimates: loaded when shown (again after the
 * event stream reconnected) and after each change this page makes. The revised estimates
 * themselves arrive over the stream as `people` events.
 */
export function useHeadcounts(shown: boolean, reconnectKey: number, onError: (e: unknown) => void) {
  const [state, setState] = useState<ApiHeadcounts | null>(null);
  const [busy, setBusy] = useState(false);

  const load = () =>
    api.headcounts().then(
      (s) => setState(s),
      (e: unknown) => onError(e),
    );

  useEffect(() => {
    if (shown) void load();
  }, [shown, reconnectKey]);

  const change = async (work: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await work();
      await load();
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  };

  return {
    state,
    busy,
    add: (count: number, t?: number) => change(() => api.addHeadcount(count, t)),
    remove: (id: number) => change(() => api.removeHeadcount(id)),
  };
}
