/**
 * The AP's request path (TS 33.141 5.1.4 NOTE 2: a reverse proxy): pick the virtual host by
 * server_name (RFC 3546) or Host, the route by longest path prefix, authenticate the UE, apply the
 * TS 24.109 7.2 identity rules, and stream the request to the AS over a keep-alive node:http Agent.
 * Each host's certificate is served for its names (Annex A option 1), the default host's for the rest.
 */
import * as http from 'node:http';
import { createServer, type Server } from '../http/index.js';
import type { ApConfig, HostConfig, RouteConfig } from './config.js';
import { clientCertificateAuthenticator, staticAuthenticator, type Authenticator, type TlsFacts } from './authenticators.js';
import { applyIdentityHeaders, decideIdentity } from './identity.js';
import { serverOptionsOf, withConfigErrors } from './tls-options.js';
import type { TLSSocket } from '../socket/tls-socket.js';

/** RFC 2616 13.5.1 hop-by-hop headers: never forwarded. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

export function stripHopByHop(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = { ...headers };
  const listed = String(headers.connection ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const name of [...HOP_BY_HOP, ...listed]) delete out[name];
  return out;
}

function findHost(config: ApConfig, servername: string | null, hostHeader: string | undefined): HostConfig {
  const name = servername ?? hostHeader?.replace(/:\d+$/, '').toLowerCase();
  return config.hosts.find((h) => name !== undefined && h.names.includes(name)) ?? config.defaultHost;
}

function findRoute(host: HostConfig, path: string): RouteConfig | undefined {
  let best: RouteConfig | undefined;
  for (const r of host.routes) if (path.startsWith(r.path) && (!best || r.path.length > best.path.length)) best = r;
  return best;
}

/** What the authenticators may know of the connection (the chain is the session's on a resumption). */
function tlsFactsOf(sock: TLSSocket): TlsFacts {
  return {
    servername: sock.servername ?? null,
    authorized: sock.authorized === true,
    peerCertificates: sock.getSession()?.peerCertificates ?? [],
    resumed: sock.isSessionReused(),
  };
}

function makeAuthenticator(config: ApConfig): Authenticator {
  return config.authenticator.type === 'static' ? staticAuthenticator(config.authenticator.file) : clientCertificateAuthenticator();
}

function reply(res: http.ServerResponse, status: number, text: string, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain', ...headers });
  res.end(`${text}\n`);
}

/** The AP's HTTPS server (an http.Server over ut-tls). */
export type AuthenticationProxy = Server;

export function createProxy(config: ApConfig): AuthenticationProxy {
  const authenticator = makeAuthenticator(config);
  const agent = new http.Agent({ keepAlive: true });
  const server = withConfigErrors(config, () =>
    createServer(serverOptionsOf(config), (req, res) => {
      void handle(req, res).catch(() => { if (!res.headersSent) reply(res, 500, 'internal error'); else res.destroy(); });
    }),
  );
  server.on('close', () => agent.destroy());

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const sock = req.socket as unknown as TLSSocket;
    const tls = tlsFactsOf(sock);
    const host = findHost(config, tls.servername, req.headers.host);
    const route = findRoute(host, req.url ?? '/');
    if (!route) return reply(res, 404, 'no route');
    const user = await authenticator.authenticate(req, tls);
    if (!user) return reply(res, authenticator.challenge ? 401 : 403, 'not authenticated', authenticator.challenge ? { 'www-authenticate': authenticator.challenge } : {});
    const decision = decideIdentity(req.headers, user);
    if (!decision.ok) return reply(res, decision.status, decision.reason);
    const headers = stripHopByHop(req.headers);
    applyIdentityHeaders(headers, decision.asserted, route.trustDomain);
    const via = `1.1 ut-tls-ap`;
    headers.via = req.headers.via ? `${req.headers.via}, ${via}` : via;
    const xff = req.headers['x-forwarded-for'];
    headers['x-forwarded-for'] = xff ? `${xff}, ${sock.remoteAddress}` : sock.remoteAddress;
    headers.host = route.upstream.host;
    const base = route.upstream.pathname.replace(/\/$/, '');
    const upstream = http.request({ agent, hostname: route.upstream.hostname, port: route.upstream.port || 80, method: req.method, path: base + (req.url ?? '/'), headers });
    upstream.setTimeout(config.upstreamTimeoutMs, () => upstream.destroy(Object.assign(new Error('upstream timeout'), { code: 'ETIMEDOUT' })));
    upstream.on('response', (up) => {
      res.writeHead(up.statusCode ?? 502, stripHopByHop(up.headers));
      up.pipe(res);
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (res.headersSent) return void res.destroy();
      reply(res, err.code === 'ETIMEDOUT' ? 504 : 502, 'upstream error');
    });
    req.pipe(upstream);
  }
  return server;
}
