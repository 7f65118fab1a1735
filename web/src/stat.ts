import { html } from 'htm/preact';

/** One big figure with its label (and unit), as the cards show them. */
export function Stat(props: { testid: string; value: string; unit?: string; label: string }) {
  return html`<div class="stat">
    <span class="big" data-testid=${props.testid}>${props.value}</span>${
      props.unit ? html`<span class="unit">${props.unit}</span>` : null
    }
    <span class="label">${props.label}</span>
  </div>`;
}
