import { existsSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { Hub } from '../../app/hub/hub.ts';
import type { ApiError } from './apiTypes.ts';
import { isLoopbackHost, presentedToken, tokenMatches } from './auth.ts';
import { registerApiRoutes } from './apiRoutes.ts';
import { registerEventRoute } from './eventRoute.ts';
import { registerExportRoutes } from './exportRoutes.ts';
import { registerMetricsRoute } from './metricsRoute.ts';
import { registerPositionRoutes } from './positionRoutes.ts';

export interface ServerOptions {
  hub: Hub;
  /** When set, every /api request must present it. */
  token?: string;
  /** The built dashboard (web/dist). */
  webRoot: string;
  projectUrl: string;
}

/** A failure the client caused: it gets this status and message in the one error shape. */
export class RequestError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  const body: ApiError = { error: { code, message } };
  return reply.code(status).send(body);
}

const NOT_BUILT_PAGE = `<!doctype html><meta charset="utf-8"><title>airtrace</title>
<p>The dashboard is not built. Run <code>npm run build:web</code> (npm ci does it) and reload.
The API is at <a href="api/summary">api/summary</a>.</p>`;

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });

  const token = options.token;
  // Checked on the route the request matched, never on the raw URL: '/%61pi/summary' routes to
  // '/api/summary' and must not slip past a prefix test.
  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url;
    if (token === undefined && !isLoopbackHost(request.headers.host)) {
      // Without a token the hub listens on loopback only; another Host name there means DNS
      // rebinding: a web page that made its own name point at 127.0.0.1.
      return sendError(
        reply,
        403,
        'forbidden-host',
        'this hub answers loopback host names only (bind elsewhere with a token)',
      );
    }
    if (request.method === 'POST' && request.headers['x-airtrace'] !== '1') {
      // A custom header needs a CORS preflight, which this hub never grants: no cross-site POST.
      return sendError(reply, 403, 'missing-header', 'POST requests need the header x-airtrace: 1');
    }
    if (token === undefined || route === '/healthz' || route === '/*' || route === '/') return;
    const query = request.query as Record<string, unknown>;
    if (!tokenMatches(token, presentedToken(request.headers.authorization, query['token']))) {
      return sendError(
        reply,
        401,
        'unauthorized',
        'this hub requires a token: Authorization: Bearer <token> or ?token=',
      );
    }
  });

  // One catch site, one reply shape: every error, expected or not, leaves as {error: {code, message}}.
  app.setErrorHandler(
    (error: Error & { statusCode?: number; code?: string; validation?: unknown }, _request, reply) => {
      if (error instanceof RequestError) return sendError(reply, error.statusCode, error.code, error.message);
      const status = error.statusCode !== undefined && error.statusCode < 500 ? error.statusCode : 500;
      const message = status === 500 ? 'internal error' : error.message;
      if (status === 500) options.hub.options.log?.(`http: ${error.stack ?? error.message}`);
      return sendError(reply, status, status === 500 ? 'internal' : (error.code ?? 'bad-request'), message);
    },
  );
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'not-found', `no route for ${request.method} ${request.url.split('?')[0]}`),
  );

  app.get('/healthz', async () => ({
    status: 'ok',
    scanning: options.hub.scanning,
    ingest: options.hub.ingest.counters,
  }));

  registerApiRoutes(app, options);
  registerEventRoute(app, options.hub);
  registerExportRoutes(app, options.hub);
  registerMetricsRoute(app, options.hub);
  registerPositionRoutes(app, options.hub);

  if (existsSync(options.webRoot)) {
    await app.register(fastifyStatic, { root: options.webRoot, prefix: '/' });
  } else {
    app.get('/', async (_request, reply) => reply.type('text/html').send(NOT_BUILT_PAGE));
  }
  return app;
}
