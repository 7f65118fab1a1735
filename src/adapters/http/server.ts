import { existsSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { isLoopbackHost, presentedToken, tokenMatches } from './auth.ts';
import { RequestError, sendError } from './httpErrors.ts';
import type { HubView } from './hubView.ts';
import { registerApiRoutes } from './apiRoutes.ts';
import { registerEventRoute } from './eventRoute.ts';
import { registerExportRoutes } from './exportRoutes.ts';
import { registerHistoryRoutes } from './historyRoutes.ts';
import { registerHeadcountRoutes } from './headcountRoutes.ts';
import { registerMetricsRoute } from './metricsRoute.ts';
import { registerPositionRoutes } from './positionRoutes.ts';
import { registerZoneRoutes } from './zoneRoutes.ts';

export interface ServerOptions {
  hub: HubView;
  /** When set, every /api request must present it. */
  token?: string;
  /** The built dashboard (web/dist). */
  webRoot: string;
  projectUrl: string;
}

/**
 * The page loads only its own scripts, styles and images, talks only to its own origin, and is
 * never shown inside another site's frame (a framed dashboard let a click reset every device).
 */
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const NOT_BUILT_PAGE = `<!doctype html><meta charset="utf-8"><title>airtrace</title>
<p>The dashboard is not built. Run <code>npm run build:web</code> (npm ci does it) and reload.
The API is at <a href="api/summary">api/summary</a>.</p>`;

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });

  const token = options.token;
  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    return payload;
  });
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
    if ((request.method === 'POST' || request.method === 'DELETE') && request.headers['x-airtrace'] !== '1') {
      // A custom header needs a CORS preflight, which this hub never grants: no cross-site POST.
      return sendError(
        reply,
        403,
        'missing-header',
        `${request.method} requests need the header x-airtrace: 1`,
      );
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
      if (status === 500) options.hub.log(`http: ${error.stack ?? error.message}`);
      return sendError(reply, status, status === 500 ? 'internal' : (error.code ?? 'bad-request'), message);
    },
  );
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'not-found', `no route for ${request.method} ${request.url.split('?')[0]}`),
  );

  app.get('/healthz', async () => ({ status: 'ok', scanning: options.hub.scanning() }));

  registerApiRoutes(app, options.hub, options.projectUrl);
  registerEventRoute(app, options.hub);
  registerExportRoutes(app, options.hub);
  registerHistoryRoutes(app, options.hub);
  registerMetricsRoute(app, options.hub);
  registerPositionRoutes(app, options.hub);
  registerHeadcountRoutes(app, options.hub);
  registerZoneRoutes(app, options.hub);

  if (existsSync(options.webRoot)) {
    await app.register(fastifyStatic, { root: options.webRoot, prefix: '/' });
  } else {
    app.get('/', async (_request, reply) => reply.type('text/html').send(NOT_BUILT_PAGE));
  }
  return app;
}
