/**
 * A server Connection alone, fed hand-built records: for what no real client sends.
 */
import type { Test } from 'tap';
import { Connection } from '../../lib/engine/connection.js';
import type { ServerEngineOptions } from '../../lib/engine/types.js';
import { encodeClientHello, type ClientHello } from '../../lib/messages/client-hello.js';
import { encodeHandshake } from '../../lib/messages/handshake.js';
import { HandshakeType } from '../../lib/messages/types.js';
import { encodeRecord } from '../../lib/record/framing.js';
import { concatBytes } from '../../lib/util/bytes.js';
import { recordingSide, sharedPki } from './engine-pair.js';

/** A server connection alone, with what it writes and the errors it raises. */
export async function lonelyServer(options: Partial<ServerEngineOptions> = {}) {
  const pki = await sharedPki();
  const s = recordingSide((events) => new Connection({ isServer: true, certificateChain: pki.chain, privateKey: pki.server.key, ...options }, events));
  return { conn: s.conn, out: s.wire, errors: s.errors, wire: () => concatBytes(...s.wire) };
}

export function clientHelloRecord(fields: Partial<ClientHello> = {}, recordVersion = 0x0301): Uint8Array {
  const body = encodeClientHello({
    version: 0x0301,
    random: new Uint8Array(32).fill(7),
    sessionId: new Uint8Array(0),
    cipherSuites: [0x000a, 0x0005],
    compressionMethods: [0],
    extensions: null,
    ...fields,
  });
  return encodeRecord(22, recordVersion, encodeHandshake(HandshakeType.client_hello, body));
}

/** The last record on the wire must be a fatal alert with this description. */
export function assertFatalAlert(t: Test, wire: Uint8Array, description: number): void {
  t.ok(wire.length >= 7, 'something was written');
  const last = wire.subarray(wire.length - 7);
  t.same([...last], [21, 3, 1, 0, 2, 2, description], `plaintext fatal alert ${description} on the wire`);
}

