/**
 * A UE for the AP tests: one ut-tls connection (lib/socket connect, TLS 1.0) carrying HTTP/1.1
 * requests through node:http's client (createConnection), so a test controls the session offered
 * (resumption), the client certificate and the server_name, and reads back what the handshake did.
 */
import * as http from 'node:http';
import { connect } from '../../lib/socket/connect.js';
import type { SessionData } from '../../lib/engine/types.js';
import type { TLSSocket } from '../../lib/socket/tls-socket.js';

export interface UeOptions {
  port: number;
  ca: string;
  servername?: string;
  session?: SessionData;
  key?: string;
  cert?: string;
  cipherSuites?: string[];
  /** RFC 5077: ask for a ticket and keep it with the session. */
  sessionTickets?: boolean;
  /** RFC 4279 client pskCallback (GBA: gbaClientPskCallback). */
  pskCallback?: (hint: string | null) => { identity: string; psk: Uint8Array } | null;
}

export interface UeAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface UeConnection {
  socket: TLSSocket;
  /** One request on this connection (keep-alive), answered within 10 s. */
  get(path: string, headers?: Record<string, string>): Promise<UeAnswer>;
  /** Any method; the body is written in the given pieces (streamed). */
  send(method: string, path: string, headers: Record<string, string>, body: readonly Uint8Array[]): Promise<UeAnswer>;
  close(): void;
}

/** Opens the TLS connection and waits for the handshake (10 s at most). */
export async function ueConnect(o: UeOptions): Promise<UeConnection> {
  const socket = connect({
    host: '127.0.0.1',
    port: o.port,
    ca: o.ca,
    ...(o.servername !== undefined ? { servername: o.servername } : {}),
    ...(o.session ? { session: o.session } : {}),
    ...(o.key ? { key: o.key, cert: o.cert } : {}),
    ...(o.cipherSuites ? { cipherSuites: o.cipherSuites } : {}),
    ...(o.pskCallback ? { pskCallback: o.pskCallback } : {}),
    ...(o.sessionTickets !== undefined ? { sessionTickets: o.sessionTickets } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('handshake: no answer in 10 s')), 10_000);
    socket.once('secureConnect', () => { clearTimeout(timer); resolve(); });
    socket.once('error', (err) => { clearTimeout(timer); reject(err); });
  });
  // node:http's client wants a fresh agentless connection per request: hand it this socket each time.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  (agent as unknown as { createConnection: () => TLSSocket }).createConnection = () => socket;
  const host = o.servername ?? 'localhost';
  const conn: UeConnection = {
    socket,
    get(path, headers = {}) {
      return conn.send('GET', path, headers, []);
    },
    send(method, path, headers, body) {
      return new Promise<UeAnswer>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${method} ${path}: no answer in 10 s`)), 10_000);
        const req = http.request({ agent, method, host: '127.0.0.1', path, headers: { host, ...headers } }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => { clearTimeout(timer); resolve({ status: res.statusCode!, headers: res.headers, body }); });
        });
        req.on('error', (err) => { clearTimeout(timer); reject(err); });
        for (const piece of body) req.write(piece);
        req.end();
      });
    },
    close() {
      agent.destroy();
      socket.destroy();
    },
  };
  return conn;
}

/** One connection, one request, closed: the answer plus what the handshake did. */
export async function ueGet(o: UeOptions, path: string, headers: Record<string, string> = {}): Promise<UeAnswer & { resumed: boolean; session: SessionData | undefined; peerCN: string }> {
  const c = await ueConnect(o);
  try {
    const answer = await c.get(path, headers);
    const peer = c.socket.getPeerCertificate() as { subject?: { CN?: string } };
    return { ...answer, resumed: c.socket.isSessionReused(), session: c.socket.getSession(), peerCN: peer.subject?.CN ?? '' };
  } finally {
    c.close();
  }
}

export const basic = (u: string, p: string): string => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
