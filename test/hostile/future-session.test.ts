/**
 * Issue 21 item 6: a session dated after "now" (external store, session file, clock jump) is never
 * offered by the client nor resumed by the server, else it outlives the 24 h of TS 33.141 7.1.
 */
import t from 'tap';
import { MemorySessionStore } from '../../lib/session/memory-store.js';
import { withinLifetime } from '../../lib/policy/session-lifetime.js';
import { handshake } from '../helpers/engine-pair.js';

const YEAR = 365 * 86_400_000;
// The clocks here are in 1970-1971, outside the test certificates' dates: these tests are about the
// session lifetime, so the clients skip certificate verification explicitly (docs/verification.md).

t.test('the client does not offer a session created a year ahead', async (t) => {
  let clock = 1_000_000;
  const now = () => clock;
  const store = new MemorySessionStore({ now });
  const first = await handshake({ insecureSkipVerify: true, now }, { now, sessionStore: store });
  const session = first.client.sessions[0]!;
  const future = { ...session, createdAt: clock + YEAR };
  clock += 3 * 86_400_000; // days later: still before the forged date
  const second = await handshake({ insecureSkipVerify: true, now, session: future }, { now, sessionStore: new MemorySessionStore({ now }) });
  t.notOk(second.client.conn.resumed, 'not resumed');
  // ClientHello: record header (5), handshake header (4), version (2), random (32), then session_id length.
  t.equal(second.client.wire[0]![43], 0, 'ClientHello offers no session ID');
  t.ok(second.client.completed, 'a full handshake instead');
});

t.test('the server does not resume a session it holds with a future creation time', async (t) => {
  let clock = YEAR;
  const now = () => clock;
  // A store written while the clock was a year ahead (or by a hostile writer), read after it was fixed.
  const entries = new Map<string, unknown>();
  const first = await handshake({ insecureSkipVerify: true, now }, {
    now,
    sessionStore: {
      get: (id: Uint8Array) => entries.get(Buffer.from(id).toString('hex')) as never,
      set: (s: { id: Uint8Array }) => void entries.set(Buffer.from(s.id).toString('hex'), s),
      delete: (id: Uint8Array) => void entries.delete(Buffer.from(id).toString('hex')),
    } as never,
  });
  const session = first.client.sessions[0]!;
  t.equal(entries.size, 1, 'server stored the session');
  const serverClock = () => 1_000_000; // now: a year before the session's date
  const second = await handshake(
    { insecureSkipVerify: true, now: () => clock, session },
    {
      now: serverClock,
      sessionStore: {
        get: (id: Uint8Array) => entries.get(Buffer.from(id).toString('hex')) as never,
        set: () => {},
        delete: () => {},
      } as never,
    },
  );
  t.notOk(second.server.conn.resumed, 'server does a full handshake');
  t.ok(second.server.completed);
});

t.test('the in-process store drops a future-dated entry; the rule itself', async (t) => {
  const store = new MemorySessionStore({ now: () => 1000 });
  const id = new Uint8Array(32).fill(7);
  store.set({ id, createdAt: 1000 + YEAR, lifetime: 86400 } as never);
  t.equal(store.get(id), undefined, 'future entry not returned');
  t.ok(withinLifetime(1000, 86400, 1000), 'created now: valid');
  t.notOk(withinLifetime(1001, 86400, 1000), 'created 1 ms ahead: refused');
  t.notOk(withinLifetime(0, 86400, 86_400_000), 'at 24 h: obsolete');
  t.notOk(withinLifetime(NaN, 86400, 1000), 'no date: refused');
});
