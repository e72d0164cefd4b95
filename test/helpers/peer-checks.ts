/**
 * Checks the Go and JSSE interop tests (test/peers/) share: the same scenario against either
 * reporting peer (test/helpers/peers.ts).
 */
import type { Test } from 'tap';
import { echoPeers, listen } from './echo.js';
import type { TestPkiFiles } from './pki.js';
import type { ReportingPeer, ReportingServer } from './peers.js';

/** The peer's `resumed` for its first n connections. */
export async function resumedFlags(server: ReportingServer, n: number): Promise<(boolean | undefined)[]> {
  return (await server.reports(n)).map((r) => r.resumed);
}

/** The peer's client offers h2,http/1.1 to a ut-tls server preferring http/1.1: both see http/1.1. */
export async function peerClientGetsOurAlpn(t: Test, peer: ReportingPeer, pki: TestPkiFiles, peerSays: string): Promise<void> {
  const { server, sockets } = echoPeers(pki).echoServer({ ALPNProtocols: ['http/1.1', 'h2'] });
  const port = await listen(t, server);
  const r = await peer.client(t, { port, caFile: pki.caFile, alpn: ['h2', 'http/1.1'] });
  t.equal(r.code, 0, r.stderr);
  t.equal(r.reports[0]?.alpn, 'http/1.1', peerSays);
  t.equal(r.reports[0]?.echo, 'ping\n');
  t.equal(sockets[0]?.alpnProtocol, 'http/1.1', 'our socket');
}
