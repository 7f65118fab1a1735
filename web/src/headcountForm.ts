import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import type { ApiSummary } from './api.ts';
import type { Counting } from './counting.ts';
import { dateTime, hhmm, oneDecimal, plural } from './format.ts';
import { useHeadcounts } from './useHeadcounts.ts';
import './headcounts.css';

const MAX_COUNT = 10_000;

interface Props {
  summary: ApiSummary | null;
  counting: Counting;
  /** False while the Ratio switch hides people estimates. */
  shown: boolean;
  reconnectKey: number;
  onError: (e: unknown) => void;
}

/**
 * "There are [ ] people now", folded under the people estimate: a count typed here calibrates the model's estimates and their
 * intervals (the hub revises the recent windows at once). The count is paired with the window the
 * page shows, since that is the estimate it corrects. Listed with the model's own estimate of its
 * moment, each removable. Only with the counting model: devices / ratio has nothing to calibrate.
 */
export function HeadcountForm({ summary, counting, shown, reconnectKey, onError }: Props) {
  const visible = shown && counting.method === 'model';
  const { state, busy, add, remove } = useHeadcounts(visible, reconnectKey, onError);
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  if (!visible || state?.available === false) return null;

  const current = summary?.current ?? null;
  const submit = (e: Event) => {
    e.preventDefault();
    const count = Number(text);
    if (text.trim() === '' || !Number.isInteger(count) || count < 0 || count > MAX_COUNT) {
      setProblem(`A whole number of people, 0 to ${MAX_COUNT}.`);
      return;
    }
    setProblem(null);
    const t = current === null ? undefined : (current.windowStart + current.windowEnd) / 2;
    void add(count, t).then(() => setText(''));
  };

  const headcounts = state?.headcounts ?? [];
  const scale = state?.scale ?? null;
  return html`<details class="headcounts" data-testid="headcounts">
    <summary data-testid="headcount-toggle">
      Headcount${scale === null || headcounts.length === 0 ? '' : ` · estimates × ${scale.mean.toFixed(2)}`}
    </summary>
    <form class="headcount-form" novalidate onSubmit=${submit}>
      <label>
        There are
        <input
          type="number"
          inputmode="numeric"
          min="0"
          max=${MAX_COUNT}
          step="1"
          data-testid="headcount-input"
          value=${text}
          onInput=${(e: Event) => setText((e.target as HTMLInputElement).value)}
        />
        people now
      </label>
      <button type="submit" class="primary" data-testid="headcount-add" disabled=${busy}>
        ${busy ? 'Saving…' : 'Add'}
      </button>
    </form>
    ${problem === null ? null : html`<p class="note problem" role="alert" data-testid="headcount-problem">${problem}</p>`}
    <p class="note" data-testid="headcount-scale" data-scale=${scale?.mean ?? ''}>
      ${
        headcounts.length === 0
          ? 'Count the people in the room to calibrate the estimates.'
          : scale === null
            ? `${plural(headcounts.length, 'headcount', 'headcounts')} stored.`
            : `Estimates × ${scale.mean.toFixed(2)} (± ${scale.sd.toFixed(2)}) from ${plural(headcounts.length, 'headcount', 'headcounts')}.`
      }
      ${current === null ? '' : ` A count now pairs with the window ${hhmm(current.windowStart)}–${hhmm(current.windowEnd)}.`}
    </p>
    ${
      headcounts.length === 0
        ? null
        : html`<ul class="headcount-list" data-testid="headcount-list">
            ${[...headcounts].reverse().map(
              (h) =>
                html`<li data-testid="headcount" data-id=${h.id} data-count=${h.count}>
                  <span class="when">${dateTime(h.t)}</span>
                  <b>${h.count}</b> counted
                  <span class="model">${h.estimate === null ? '' : `(model ${oneDecimal(h.estimate)})`}</span>
                  <button
                    type="button"
                    class="link"
                    data-testid="headcount-remove"
                    disabled=${busy}
                    onClick=${() => void remove(h.id)}
                  >
                    Remove
                  </button>
                </li>`,
            )}
          </ul>`
    }
  </details>`;
}
