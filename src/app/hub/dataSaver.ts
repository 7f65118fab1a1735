import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTextExport } from '../../adapters/export/tableExports.ts';
import type { DeviceQuery, DeviceRow, Store } from '../../adapters/storage/store.ts';
import type { HubEventBus } from './hubEvents.ts';

export interface DataSaverOptions {
  events: HubEventBus;
  store: Pick<Store, 'devices' | 'resetMinutes'>;
  /** Where "Save data" writes its text files. */
  exportDir: string;
  now: () => number;
  /** Resolves once the windows received so far are written. */
  settled: () => Promise<void>;
}

/** The original tracker's two buttons: "Save data" (a text file on the hub) and "Reset time". */
export class DataSaver {
  private savedAt: number | null = null;
  private savedPath: string | null = null;

  constructor(private readonly options: DataSaverOptions) {}

  get state(): { savedAt: number | null; path: string | null } {
    return { savedAt: this.savedAt, path: this.savedPath };
  }

  /** Writes both device tables to `<exportDir>/airtrace-<time>.txt` (mode 0640). */
  async writeSaveFile(): Promise<{ savedAt: number; path: string }> {
    const { store, exportDir, now, events } = this.options;
    await this.options.settled();
    const all = async (medium: DeviceQuery['medium']): Promise<DeviceRow[]> =>
      (await store.devices({ medium, limit: 1_000_000, sort: 'lastSeen' })).rows;
    const savedAt = now();
    const stamp = new Date(savedAt * 1000).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    mkdirSync(exportDir, { recursive: true });
    const path = join(exportDir, `airtrace-${stamp}.txt`);
    writeFileSync(path, renderTextExport(await all('wifi'), await all('ble'), savedAt), { mode: 0o640 });
    this.savedAt = savedAt;
    this.savedPath = path;
    events.emit('saved', { savedAt, path });
    return { savedAt, path };
  }

  async resetMinutes(): Promise<void> {
    await this.options.settled();
    await this.options.store.resetMinutes();
    this.options.events.emit('reset', this.options.now());
  }
}
