/**
 * Issue 21 item 10: empty records cost a MAC check each and carry nothing. At most 32 in a row
 * (OpenSSL's MAX_EMPTY_RECORDS), then unexpected_message; a zero-length alert record is not an alert
 * at all: decode_error at once. On the sans-IO Connection and on a socket.
 */
import t from 'tap';
import * as net from 'node:net';
import { once } from 'node:events';
import { connect, createServer } from '../../lib/index.js';
import type { Connection } from '../../lib/engine/connection.js';
import { MAX_EMPTY_RECORDS_IN_A_ROW } from '../../lib/engine/connection.js';
import type { TLSError } from '../../lib/errors.js';
import { concatBytes } from '../../lib/util/bytes.js';
import { handshake } from '../helpers/engine-pair.js';
import { testPki } from '../helpers/pki.js';

interface Sealer {
  sealedLength(n: number): number;
  sealInto(out: Uint8Array, offset: number, type: number, version: number, data: Uint8Array): number;
}
/** `count` records of `type` with an empty body, protected with the connection's current write keys. */
function emptyRecords(conn: Connection, type: number, count: number): Uint8Array {
  const wp = (conn as unknown as { writeProtection: Sealer }).writeProtection;
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const rec = new Uint8Array(wp.sealedLength(0));
    wp.sealInto(rec, 0, type, 0x0301, new Uint8Array(0));
    out.push(rec);
  }
  return concatBytes(...out);
}

t.test('engine: 32 empty application-data records pass, the 33rd is unexpected_message', async (t) => {
  t.equal(MAX_EMPTY_RECORDS_IN_A_ROW, 32);
  const p = await handshake();
  t.ok(p.server.completed);
  p.server.conn.receive(emptyRecords(p.client.conn, 23, 32));
  t.equal(p.server.errors.length, 0, '32 in a row are accepted');
  p.client.conn.write(new Uint8Array([1, 2, 3]));
  p.flush('whole');
  t.equal(p.server.errors.length, 0, 'data resets the count');
  p.server.conn.receive(emptyRecords(p.client.conn, 23, 32));
  t.equal(p.server.errors.length, 0, '32 more after data');
  p.server.conn.receive(emptyRecords(p.client.conn, 23, 1));
  t.equal(p.server.errors.length, 1, 'the 33rd in a row fails');
  t.equal(p.server.errors[0]!.code, 'ERR_TLS_ALERT_UNEXPECTED_MESSAGE');
  t.match(p.server.errors[0]!.message, /32 empty records/);
});

t.test('engine: a zero-length alert record is decode_error', async (t) => {
  const p = await handshake();
  p.server.conn.receive(emptyRecords(p.client.conn, 21, 1));
  t.equal(p.server.errors.length, 1);
  t.equal(p.server.errors[0]!.code, 'ERR_TLS_ALERT_DECODE_ERROR');
});

t.test('socket: a client sending 1000 empty records is cut off after 32', async (t) => {
  const pki = await testPki();
  const errors: TLSError[] = [];
  const server = createServer({ key: pki.keyPem, cert: pki.certPem }, (s) => s.on('error', (e: TLSError) => errors.push(e)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => server.close());
  const port = (server.address() as net.AddressInfo).port;
  const client = connect({ port, host: 'localhost', ca: pki.caPem });
  client.on('error', () => {});
  await once(client, 'secureConnect');
  const inner = client as unknown as { engine: Connection; transport: net.Socket };
  const clientErrors: TLSError[] = [];
  client.on('error', (e: TLSError) => clientErrors.push(e));
  const closed = new Promise((resolve) => client.once('close', resolve));
  inner.transport.write(emptyRecords(inner.engine, 23, 1000));
  await closed;
  t.equal(clientErrors[0]?.code, 'ERR_TLS_ALERT_RECEIVED_UNEXPECTED_MESSAGE', 'the client got the alert');
  t.equal(errors.length, 1, 'the server failed the connection');
  t.equal(errors[0]!.code, 'ERR_TLS_ALERT_UNEXPECTED_MESSAGE');
});
