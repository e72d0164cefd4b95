/**
 * The AP's request path (TS 33.141 5.1.4 NOTE 2: a reverse proxy): pick the virtual host by
 * server_name (RFC 3546) or Host, the route by longest path prefix, establish who the UE is (the
 * session's authentication record or the authenticator, TS 33.141 6.1.4: session-auth.ts), apply the
 * TS 24.109 7.2 identity rules, and stream the request to the AS over a keep-alive node:http(s) Agent.
 * Each host's certificate is served for its names (Annex A option 1), the default host's for the rest.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { Server } from '../http/index.js';
import type { SessionStore } from '../engine/types.js';
import { MemorySessionStore } from '../session/memory-store.js';
import type { TLSSocket } from '../socket/tls-socket.js';
import type { ApConfig, HostConfig, RouteConfig } from './config.js';
import { clientCertificateAuthenticator, staticAuthenticator, type Authenticator, type TlsFacts } from './authenticators.js';
import { gbaFileAuthenticator } from './gba-authenticator.js';
import { applyIdentityHeaders, decideIdentity } from './identity.js';
import { serverOptionsOf, withConfigErrors } from './tls-options.js';
import { MemoryReauthMarks, type ReauthMarks } from './reauth-marks.js';
import { whoIsOn, type SessionAuthContext } from './session-auth.js';
import { RedisSessionStore } from './redis-store.js';
import { openAccessLog, type AccessEntry, type AccessLog } from './access-log.js';

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
  const a = config.authenticator;
  if (a.type === 'gba') return gbaFileAuthenticator(a.file);
  return a.type === 'static' ? staticAuthenticator(a.file) : clientCertificateAuthenticator();
}

function reply(res: http.ServerResponse, status: number, text: string, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain', ...headers });
  res.end(`${text}\n`);
}

export interface ProxyOptions {
  /** Where TLS sessions (and their authentication records) live; default an in-memory store. */
  sessionStore?: SessionStore;
  /** Failed network-initiated re-authentications (TS 33.141 6.1.4); default in memory. */
  marks?: ReauthMarks;
  /** Authenticator instead of the one ap.json names (an application's own, e.g. a GBA one). */
  authenticator?: Authenticator;
  /** Operational problems (upstream errors, store trouble); default stderr. */
  log?: (line: string) => void;
  now?: () => number;
}

/** The AP's HTTPS server (an http.Server over ut-tls) plus the operator's re-authentication hook. */
export class AuthenticationProxy extends Server {
  /** Set by createProxy. */
  marks!: ReauthMarks;
  now: () => number = Date.now;
  accessLog: AccessLog | undefined;

  /**
   * TS 33.141 6.1.4: a network-initiated re-authentication of `identity` got no answer. Its sessions
   * stay resumable, but no authentication record made before now grants access any more: the UE is
   * authenticated again (or, with reauthentication 'refuse', sent back to a full handshake).
   */
  markReauthenticationFailed(identity: string): Promise<void> {
    return this.marks.mark(identity, this.now());
  }
}

export function createProxy(config: ApConfig, options: ProxyOptions = {}): AuthenticationProxy {
  const authenticator = options.authenticator ?? makeAuthenticator(config);
  const log = options.log ?? ((line: string) => process.stderr.write(`ut-tls ap: ${line}\n`));
  const now = options.now ?? Date.now;
  const redis = !options.sessionStore && config.sessionStore.type === 'redis'
    ? new RedisSessionStore({ url: config.sessionStore.url, prefix: config.sessionStore.prefix, timeoutMs: config.sessionStore.timeoutMs, ...(config.sessionStore.tls ? { tls: config.sessionStore.tls } : {}), log, now })
    : undefined;
  const store = options.sessionStore ?? redis ?? new MemorySessionStore({ now });
  const marks = options.marks ?? redis?.marks ?? new MemoryReauthMarks(now);
  const auth: SessionAuthContext = { authenticator, mode: config.reauthentication, marks, store, now, log };
  const httpAgent = new http.Agent({ keepAlive: true });
  const httpsAgents = new Map<string | undefined, https.Agent>();
  const agentFor = (route: RouteConfig): http.Agent => {
    if (route.upstream.protocol === 'http:') return httpAgent;
    let a = httpsAgents.get(route.ca);
    if (!a) httpsAgents.set(route.ca, (a = new https.Agent({ keepAlive: true, ...(route.ca ? { ca: route.ca } : {}) })));
    return a;
  };
  const server = withConfigErrors(config, () =>
    new AuthenticationProxy({ ...serverOptionsOf(config, store), ...authenticator.serverOptions }, (req, res) => {
      const entry = accessLog.begin(req, res);
      void handle(req, res, entry).catch((err: Error) => {
        entry.error = err.message;
        if (!res.headersSent) reply(res, 500, 'internal error');
        else res.destroy();
      });
    }),
  );
  const accessLog = openAccessLog(config.accessLog);
  server.marks = marks;
  server.now = now;
  server.accessLog = accessLog;
  server.on('close', () => {
    httpAgent.destroy();
    for (const a of httpsAgents.values()) a.destroy();
    void accessLog.close();
    redis?.close();
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, entry: AccessEntry): Promise<void> {
    const sock = req.socket as unknown as TLSSocket;
    const tls = tlsFactsOf(sock);
    const host = findHost(config, tls.servername, req.headers.host);
    Object.assign(entry, { peer: sock.remoteAddress, sni: tls.servername, host: host.names[0], suite: sock.getCipher()?.standardName, resumed: tls.resumed });
    const route = findRoute(host, req.url ?? '/');
    if (!route) return reply(res, 404, 'no route');
    entry.route = route.path;
    const who = await whoIsOn(req, sock, tls, auth);
    if (!who.ok) {
      entry.auth = 'refused';
      reply(res, who.status, who.reason, who.headers);
      return;
    }
    entry.auth = who.via;
    const decision = decideIdentity(req.headers, who.user);
    if (!decision.ok) return reply(res, decision.status, decision.reason);
    entry.identity = decision.asserted;
    entry.asserted = route.trustDomain;
    const headers = stripHopByHop(req.headers);
    applyIdentityHeaders(headers, decision.asserted, route.trustDomain);
    const via = `1.1 ut-tls-ap`;
    headers.via = req.headers.via ? `${req.headers.via}, ${via}` : via;
    const xff = req.headers['x-forwarded-for'];
    headers['x-forwarded-for'] = xff ? `${xff}, ${sock.remoteAddress}` : sock.remoteAddress;
    headers.host = route.upstream.host;
    const base = route.upstream.pathname.replace(/\/$/, '');
    const secure = route.upstream.protocol === 'https:';
    const upstream = (secure ? https : http).request({
      agent: agentFor(route),
      hostname: route.upstream.hostname,
      port: route.upstream.port || (secure ? 443 : 80),
      method: req.method,
      path: base + (req.url ?? '/'),
      headers,
    });
    upstream.setTimeout(config.upstreamTimeoutMs, () => upstream.destroy(Object.assign(new Error('upstream timeout'), { code: 'ETIMEDOUT' })));
    upstream.on('response', (up) => {
      res.writeHead(up.statusCode ?? 502, stripHopByHop(up.headers));
      up.pipe(res);
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      entry.error = `upstream ${route.upstream.origin}: ${err.code ?? err.message}`;
      log(`${entry.error} (${req.method} ${req.url})`);
      if (res.headersSent) return void res.destroy();
      reply(res, err.code === 'ETIMEDOUT' ? 504 : 502, 'upstream error');
    });
    req.pipe(upstream);
  }
  return server;
}
