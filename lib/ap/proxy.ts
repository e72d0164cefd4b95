/**
 * The AP's request path (TS 33.141 5.1.4 NOTE 2: a reverse proxy): pick the virtual host by
 * server_name (RFC 3546) or Host, the route by longest path prefix, authenticate the UE, apply the
 * TS 24.109 7.2 identity rules, and stream the request to the AS over a keep-alive node:http Agent.
 * First cut: the default host's certificate serves every name (a multi-identity certificate, Annex A
 * option 2); per-name certificates, re-authentication on resumption (6.1.4) and the access log are not done yet.
 */
import * as http from 'node:http';
import { createServer, type Server } from '../http/index.js';
import type { ApConfig, HostConfig, RouteConfig } from './config.js';
import { clientCertificateAuthenticator, staticAuthenticator, type Authenticator, type TlsFacts } from './authenticators.js';
import { applyIdentityHeaders, decideIdentity } from './identity.js';

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

function makeAuthenticator(config: ApConfig): Authenticator {
  return config.authenticator.type === 'static' ? staticAuthenticator(config.authenticator.file) : clientCertificateAuthenticator();
}

function reply(res: http.ServerResponse, status: number, text: string, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain', ...headers });
  res.end(`${text}\n`);
}

export function createProxy(config: ApConfig): Server {
  const authenticator = makeAuthenticator(config);
  const agent = new http.Agent({ keepAlive: true });
  const server = createServer({ key: config.defaultHost.keyPem, cert: config.defaultHost.certPem, ...(config.tls.ciphers ? { ciphers: config.tls.ciphers } : {}) }, (req, res) => {
    void handle(req, res).catch(() => { if (!res.headersSent) reply(res, 500, 'internal error'); else res.destroy(); });
  });
  server.on('close', () => agent.destroy());

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const sock = req.socket as unknown as { servername?: string | null; isSessionReused?: () => boolean; remoteAddress?: string };
    const tls: TlsFacts = { servername: sock.servername ?? null, authorized: false, peerCertificates: [], resumed: sock.isSessionReused?.() ?? false };
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
