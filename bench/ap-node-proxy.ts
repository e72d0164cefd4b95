/**
 * The comparison for bench/ap.ts: the same AP request logic (lib/ap's static authenticator, TS 24.109
 * identity rules, hop-by-hop stripping, keep-alive to the AS) on node:https + node:http, i.e. OpenSSL.
 * OpenSSL 3 speaks TLS 1.0 only with AES (AES128-SHA, @SECLEVEL=0), so that is the suite of the race.
 * Usage: node dist/bench/ap-node-proxy.js AP.JSON   (reads hosts[0] cert/key and its first route)
 * Prints "listening on 127.0.0.1:PORT" like `ut-tls ap`.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { loadApConfig } from '../lib/ap/config.js';
import { staticAuthenticator } from '../lib/ap/authenticators.js';
import { applyIdentityHeaders, decideIdentity } from '../lib/ap/identity.js';
import { stripHopByHop } from '../lib/ap/proxy.js';

const config = loadApConfig(process.argv[2]!);
if (config.authenticator.type !== 'static') throw new Error('bench proxy: static authenticator only');
const auth = staticAuthenticator(config.authenticator.file);
const route = config.defaultHost.routes[0]!;
const agent = new http.Agent({ keepAlive: true });
const server = https.createServer(
  { key: config.defaultHost.keyPem, cert: config.defaultHost.certPem, minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'AES128-SHA:@SECLEVEL=0' },
  async (req, res) => {
    const user = await auth.authenticate(req, { servername: null, authorized: false, peerCertificates: [], resumed: false });
    if (!user) return void res.writeHead(401, { 'www-authenticate': auth.challenge! }).end();
    const d = decideIdentity(req.headers, user);
    if (!d.ok) return void res.writeHead(d.status).end();
    const headers = stripHopByHop(req.headers);
    applyIdentityHeaders(headers, d.asserted, route.trustDomain);
    headers.via = '1.1 node-https-ap';
    headers['x-forwarded-for'] = req.socket.remoteAddress;
    headers.host = route.upstream.host;
    const up = http.request({ agent, hostname: route.upstream.hostname, port: route.upstream.port, method: req.method, path: req.url, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, stripHopByHop(r.headers));
      r.pipe(res);
    });
    up.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    req.pipe(up);
  },
);
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening on 127.0.0.1:${(server.address() as AddressInfo).port}\n`));
process.on('SIGTERM', () => process.exit(0));
