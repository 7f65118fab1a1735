import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { DeviceRow } from '../storage/store.ts';
import { toApiDevice, toApiWindow } from './apiMapping.ts';
import { devicesCsv, windowsCsv } from '../export/tableExports.ts';
import { RequestError } from './httpErrors.ts';
import type { HubView } from './hubView.ts';

function attachment(reply: FastifyReply, name: string, type: string): FastifyReply {
  return reply.header('content-disposition', `attachment; filename="${name}"`).type(type);
}

/** Downloads: the device tables and windows as CSV (formula-safe) or JSON, and the last saved text file. */
export function registerExportRoutes(app: FastifyInstance, hub: HubView): void {
  const allDevices = async (medium: 'wifi' | 'ble'): Promise<DeviceRow[]> =>
    (await hub.store.devices({ medium, sort: 'lastSeen', limit: 10_000_000 })).rows;
  const allWindows = () => hub.store.windows(-Infinity, Infinity);

  app.get('/api/export/:name', async (request, reply) => {
    await hub.settled();
    const name = (request.params as { name: string }).name;
    switch (name) {
      case 'wifi.csv':
        return attachment(reply, name, 'text/csv; charset=utf-8').send(devicesCsv(await allDevices('wifi')));
      case 'bluetooth.csv':
        return attachment(reply, name, 'text/csv; charset=utf-8').send(devicesCsv(await allDevices('ble')));
      case 'windows.csv':
        return attachment(reply, name, 'text/csv; charset=utf-8').send(windowsCsv(await allWindows()));
      case 'wifi.json':
        return attachment(reply, name, 'application/json').send((await allDevices('wifi')).map(toApiDevice));
      case 'bluetooth.json':
        return attachment(reply, name, 'application/json').send((await allDevices('ble')).map(toApiDevice));
      case 'windows.json':
        return attachment(reply, name, 'application/json').send(
          (await allWindows()).map((w) => toApiWindow(w, hub.site.ratio)),
        );
      case 'saved.txt': {
        const { path } = hub.dataState();
        if (path === null)
          throw new RequestError(404, 'not-saved', 'nothing saved yet: POST /api/save first');
        return attachment(reply, basename(path), 'text/plain; charset=utf-8').send(createReadStream(path));
      }
      default:
        throw new RequestError(404, 'not-found', `no export named ${name}`);
    }
  });
}
