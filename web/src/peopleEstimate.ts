import { html } from 'htm/preact';
import type { ApiWindow } from './api.ts';
import { hasInterval, type Counting } from './counting.ts';
import { oneDecimal } from './format.ts';

/**
 * The people estimate of the current window: the number, the model's interval, whether it may
 * still be revised, and a tag when the model had nothing for this window (devices / ratio).
 */
export function PeopleEstimate({ current, counting }: { current: ApiWindow; counting: Counting }) {
  const { level, method, ratio } = counting;
  return html`<p class="estimate">
    ≈ <b data-testid="current-estimate">${oneDecimal(current.estimate)}</b> people
    ${
      hasInterval(current)
        ? html`<span class="interval"
            >${' '}(<span data-testid="people-interval"
              >${oneDecimal(current.low)}–${oneDecimal(current.high)}</span
            >${level === '' ? '' : `, ${level} interval`})</span
          >`
        : null
    }
    ${
      current.final === false
        ? html`${' '}<span
              class="tag"
              data-testid="provisional"
              title="May still be revised as later windows arrive"
              >provisional</span
            >`
        : null
    }
    ${
      method === 'model' && current.estimateMethod === 'ratio'
        ? html`${' '}<span class="tag" title="No model estimate for this window yet"
              >devices ÷ ${ratio}</span
            >`
        : null
    }
  </p>`;
}
