import { html } from 'htm/preact';
import { apiUrl, withToken, type ApiSaved, type ApiSummary } from './api.ts';
import { hhmm } from './format.ts';

const TABLE_LABELS: Record<string, string> = { wifi: 'Wi-Fi', bluetooth: 'Bluetooth', windows: 'Windows' };

/** Downloads of the device tables and the windows; the hub makes the CSV formula-safe. */
function ExportLinks() {
  const links = ['wifi', 'bluetooth', 'windows'].flatMap((table) =>
    ['csv', 'json'].map((format) => ({
      table,
      format,
      label: `${TABLE_LABELS[table]} ${format.toUpperCase()}`,
      href: apiUrl(`api/export/${table}.${format}`),
    })),
  );
  return html`<div class="exports" data-testid="exports">
    <span>Export</span>
    ${links.map(
      (l) => html`<a href=${l.href} download data-testid=${`export-${l.table}-${l.format}`}>${l.label}</a>`,
    )}
  </div>`;
}

interface Props {
  data: ApiSummary['data'] | undefined;
  /** The answer to this page's last Save, with its download link. */
  saved: ApiSaved | null;
  busy: 'save' | 'reset' | null;
  onSave: () => void;
}

/** "Data": whether and where the hub saved its data, the Save button and the exports. */
export function DataCard({ data, saved, busy, onSave }: Props) {
  const savedAt = data?.savedAt ?? saved?.savedAt ?? null;
  const savedPath = saved?.path ?? data?.path ?? null;
  return html`<section class="card">
    <h2>Data</h2>
    <p class=${`data-state ${savedAt === null ? 'unsaved' : 'saved'}`} data-testid="data-state">
      ${savedAt === null ? 'Data not saved' : `Data saved at ${hhmm(savedAt)}`}
    </p>
    <button type="button" class="primary" data-testid="save-data" disabled=${busy !== null} onClick=${onSave}>
      ${busy === 'save' ? 'Saving…' : 'Save data'}
    </button>
    ${
      savedPath === null
        ? null
        : html`<p class="note">
            On the hub: <code data-testid="saved-path">${savedPath}</code>
            ${
              saved === null
                ? null
                : html` <a href=${withToken(saved.download)} download data-testid="saved-download"
                    >Download</a
                  >`
            }
          </p>`
    }
    <${ExportLinks} />
  </section>`;
}
