import { timingSafeEqual } from 'node:crypto';

export class BindSecurityError extends Error {}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

/** The host name of a Host header (`127.0.0.1:8050`, `[::1]:8050`, `localhost`) is a loopback one. */
export function isLoopbackHost(hostHeader: string | undefined): boolean {
  if (hostHeader === undefined) return false;
  const name = hostHeader.startsWith('[')
    ? hostHeader.slice(1, hostHeader.indexOf(']'))
    : hostHeader.replace(/:\d+$/, '');
  return isLoopback(name);
}

/** Anyone on the network could read the dashboard: binding beyond loopback needs a token. */
export function checkBindSecurity(host: string, token: string | undefined): void {
  if (!isLoopback(host) && (token === undefined || token.length === 0)) {
    throw new BindSecurityError(
      `refusing to listen on ${host} without a token: anyone on that network could read the data. ` +
        'Pass --token <secret> (or set it in the config), or bind 127.0.0.1.',
    );
  }
}

/** The token from `Authorization: Bearer ...` or, for EventSource and download links, `?token=`. */
export function presentedToken(authorization: string | undefined, queryToken: unknown): string | undefined {
  if (authorization?.startsWith('Bearer ')) return authorization.slice('Bearer '.length);
  return typeof queryToken === 'string' ? queryToken : undefined;
}

export function tokenMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
