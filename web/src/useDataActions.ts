import { useState } from 'preact/hooks';
import { api, type ApiSaved } from './api.ts';

interface Deps {
  loadSummary: () => Promise<unknown>;
  refreshAll: () => void;
  onError: (error: unknown) => void;
}

/**
 * The two buttons that change data on the hub, Save data and Reset time. One runs at a time:
 * `busy` says which, and both buttons wait for it.
 */
export function useDataActions({ loadSummary, refreshAll, onError }: Deps) {
  const [saved, setSaved] = useState<ApiSaved | null>(null);
  const [busy, setBusy] = useState<'save' | 'reset' | null>(null);

  const resetTime = async () => {
    if (!window.confirm('Set the minutes spent of every device to zero?')) return;
    setBusy('reset');
    try {
      await api.resetTime();
      refreshAll();
    } catch (e) {
      onError(e);
    } finally {
      setBusy(null);
    }
  };

  const save = async () => {
    setBusy('save');
    try {
      setSaved(await api.save());
      await loadSummary();
    } catch (e) {
      onError(e);
    } finally {
      setBusy(null);
    }
  };

  return { saved, busy, save, resetTime };
}
