import type { FastifyInstance } from 'fastify';
import type { HubView } from './hubView.ts';
import type { ApiEvents } from './apiTypes.ts';
import { toApiPosition, toApiWindow } from './apiMapping.ts';
import { toApiZoneOccupancy } from './zoneRoutes.ts';

/** Proxies and browsers drop an idle stream; a comment line every so often keeps it open. */
const HEARTBEAT_MS = 15_000;
const MAX_BUFFERED_BYTES = 1 << 20;

/** Server-Sent Events: every stored window, scan status, save and reset, as they happen. */
export function registerEventRoute(app: FastifyInstance, hub: HubView): void {
  app.get('/api/events', (request, reply) => {
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const send = <K extends keyof ApiEvents>(event: K, data: ApiEvents[K]) => {
      // A client that stopped reading (a sleeping laptop) must not make the hub buffer forever:
      // drop it; EventSource reconnects by itself and the page refetches.
      if (out.writableLength > MAX_BUFFERED_BYTES) {
        out.destroy();
        return;
      }
      out.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    out.write('retry: 3000\n\n');
    send('status', { scanning: hub.scanning(), sensorId: '' });
    const off = hub.on({
      windowStored: (row) => send('window', toApiWindow(row, hub.site.ratio)),
      people: (rows) =>
        send(
          'people',
          rows.map((row) => toApiWindow(row, hub.site.ratio)),
        ),
      status: (status) => send('status', { scanning: hub.scanning(), sensorId: status.sensorId }),
      saved: (saved) => send('saved', saved),
      position: (fix) => send('position', toApiPosition(fix)),
      zoneOccupancy: (occupancy) => send('zoneOccupancy', toApiZoneOccupancy(occupancy)),
      reset: (at) => send('reset', { at }),
    });
    const heartbeat = setInterval(() => out.write(': keep-alive\n\n'), HEARTBEAT_MS);
    request.raw.on('close', () => {
      clearInterval(heartbeat);
      off();
    });
  });
}
