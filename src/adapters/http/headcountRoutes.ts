import type { FastifyInstance } from 'fastify';
import type { HeadcountRow } from '../storage/store.ts';
import type { ApiHeadcount, ApiHeadcounts } from './headcountApiTypes.ts';
import type { HeadcountView } from './headcountView.ts';
import { RequestError } from './httpErrors.ts';
import type { HubView } from './hubView.ts';

/** More people than this in one count is a typing mistake, not a room. */
export const MAX_HEADCOUNT = 10_000;
/** A count may be dated this far ahead of the hub's clock (a browser's clock running fast). */
export const HEADCOUNT_SKEW_SECONDS = 120;

const round3 = (x: number) => Math.round(x * 1000) / 1000;

function toApiHeadcount(h: HeadcountRow): ApiHeadcount {
  return {
    id: h.id,
    t: h.t,
    count: h.count,
    estimate: h.estimate === null ? null : Math.round(h.estimate * 10) / 10,
    createdAt: h.createdAt,
  };
}

/** The body of POST /api/headcounts, checked: a whole count 0..10000 and a finite time not in the future. */
export function parseHeadcount(body: unknown, now: number): { t: number; count: number } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new RequestError(400, 'bad-request', 'send JSON {"count": N} with an optional "t" (Unix seconds)');
  const { t, count } = body as Record<string, unknown>;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > MAX_HEADCOUNT)
    throw new RequestError(400, 'bad-request', `count must be a whole number from 0 to ${MAX_HEADCOUNT}`);
  if (t === undefined) return { t: now, count };
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0)
    throw new RequestError(400, 'bad-request', 't must be a time in Unix seconds');
  if (t > now + HEADCOUNT_SKEW_SECONDS)
    throw new RequestError(
      400,
      'bad-request',
      't is in the future: people can only be counted now or before',
    );
  return { t, count };
}

function parseId(raw: string): number {
  const id = Number(raw);
  if (!/^[0-9]{1,15}$/.test(raw) || !Number.isSafeInteger(id))
    throw new RequestError(400, 'bad-request', 'a headcount id is a whole number');
  return id;
}

function model(hub: HubView): HeadcountView {
  if (hub.headcounts === undefined)
    throw new RequestError(
      409,
      'no-model',
      'the hub counts people by ratio: headcounts calibrate the counting model',
    );
  return hub.headcounts;
}

/** Headcounts: listed with the scale they give, added (estimates revised at once), removed. */
export function registerHeadcountRoutes(app: FastifyInstance, hub: HubView): void {
  app.get('/api/headcounts', async (): Promise<ApiHeadcounts> => {
    if (hub.headcounts === undefined) return { headcounts: [], scale: null, available: false };
    await hub.settled();
    const scale = hub.headcounts.scale();
    return {
      headcounts: (await hub.headcounts.list()).map(toApiHeadcount),
      scale: scale === undefined ? null : { t: scale.t, mean: round3(scale.mean), sd: round3(scale.sd) },
      available: true,
    };
  });

  app.post('/api/headcounts', async (request, reply) => {
    const headcounts = model(hub);
    const headcount = parseHeadcount(request.body, hub.now());
    // Windows received so far are estimated first, so the count meets the estimate shown.
    await hub.settled();
    const row = await headcounts.add(headcount);
    return reply.code(201).send(toApiHeadcount(row));
  });

  app.delete('/api/headcounts/:id', async (request) => {
    const headcounts = model(hub);
    const id = parseId((request.params as { id: string }).id);
    if (!(await headcounts.remove(id)))
      throw new RequestError(404, 'not-found', `there is no headcount ${id}`);
    return { ok: true };
  });
}
