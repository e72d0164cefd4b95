/**
 * RFC 5746 secure renegotiation: off by default (no_renegotiation warning), on with
 * renegotiation: 'secure', never without the peer's signal, and checked against the Finished values.
 */
import t from 'tap';
import { AlertDescription } from '../../lib/alerts.js';
import type { TLSAlertError } from '../../lib/errors.js';
import { bytesEqual } from '../../lib/util/bytes.js';
import { handshake } from '../helpers/engine-pair.js';

t.test('the client renegotiates when both sides allow it; data flows before, during and after', async (t) => {
  const p = await handshake({ renegotiation: 'secure', cipherSuites: ['TLS_RSA_WITH_AES_128_CBC_SHA'] }, { renegotiation: 'secure' });
  const firstFinished = p.client.conn.finished!;
  let renegotiated = 0;
  const events = (p.client.conn as unknown as { events: { renegotiated?: () => void } }).events;
  events.renegotiated = () => renegotiated++;
  p.client.conn.write(new Uint8Array([1]));
  p.client.conn.renegotiate();
  t.ok(p.client.conn.renegotiating, 'renegotiation in progress');
  p.client.conn.write(new Uint8Array([2]));
  p.flush();
  t.equal(renegotiated, 1, 'renegotiated event');
  t.notOk(p.client.conn.renegotiating);
  t.notOk(bytesEqual(firstFinished, p.client.conn.finished!), 'new Finished values');
  p.client.conn.write(new Uint8Array([3]));
  p.flush();
  t.same([...p.receivedBy(p.server)], [1, 2, 3]);
  t.same(p.client.errors, []);
  t.same(p.server.errors, []);
  t.equal(p.client.keylog.length, 2, 'a second key-log line for the new master secret');
  t.not(p.client.keylog[0], p.client.keylog[1]);
});

t.test('the server asks with a HelloRequest', async (t) => {
  const p = await handshake({ renegotiation: 'secure' }, { renegotiation: 'secure' });
  p.server.conn.renegotiate();
  p.flush();
  t.equal(p.server.keylog.length, 2, 'a second handshake happened');
  t.same(p.client.errors, []);
  p.server.conn.write(new Uint8Array([7]));
  p.flush();
  t.same([...p.receivedBy(p.client)], [7]);
});

t.test('refused by default with a no_renegotiation warning', async (t) => {
  const p = await handshake({ renegotiation: 'secure' });
  p.client.conn.renegotiate();
  p.flush();
  t.same(p.client.warnings, [AlertDescription.no_renegotiation]);
  t.equal(p.server.keylog.length, 1);
  t.throws(() => p.server.conn.renegotiate(), { code: 'ERR_TLS_RENEGOTIATION_DISABLED' });
});

t.test('a tampered renegotiation_info is a fatal handshake_failure', async (t) => {
  const p = await handshake({ renegotiation: 'secure' }, { renegotiation: 'secure' });
  // Corrupt what the client remembers of its own Finished: its renegotiation_info no longer matches.
  const flow = (p.client.conn as unknown as { established: { ownFinished: Uint8Array } }).established;
  flow.ownFinished = flow.ownFinished.slice();
  flow.ownFinished[0]! ^= 1;
  p.client.conn.renegotiate();
  p.flush();
  t.equal((p.server.errors[0] as TLSAlertError)?.alert, AlertDescription.handshake_failure);
  t.match(p.server.errors[0]!.message, /RFC 5746 3\.7/);
});
