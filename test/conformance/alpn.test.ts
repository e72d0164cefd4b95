/**
 * tlsfuzzer's test-alpn-negotiation.py (RFC 7301) against a real `ut-tls server`, every conversation,
 * in the script's four modes: plain, `-d` (ECDHE/DHE offered with supported_groups and signature
 * algorithms), `-M` (extended master secret offered and expected back) and both. The server is run
 * as the script assumes (`openssl s_server -alpn http/1.1,http/2,h2` there): `--alpn http/1.1,http/2,h2`,
 * plus `--http` for the GETs and `--renegotiation secure` for the renegotiation probes.
 * No probe checks the ServerHello version, so all apply to TLS 1.0.
 */
import t, { type Test } from 'tap';
import { AlertDescription, EXT, SUITE, fuzz } from '../helpers/conformance.js';
import {
  abbreviatedHandshake,
  connectScripted,
  dheExtensions,
  empty,
  expectServer,
  fullHandshake,
  getAndClose,
  renegotiationInfo,
  serverExtensions,
  startUtTlsServer,
} from '../helpers/conformance-wire.js';
import { ByteWriter } from '../../lib/util/bytes.js';

const server = await startUtTlsServer(t, ['--http', '--renegotiation', 'secure', '--dhe', '--alpn', 'http/1.1,http/2,h2']);
const port = server.port;

type Ext = { type: number; data: Uint8Array };
const HTTP_ANSWER = /^data:\d+ alert:1\/0 close$/;
const CLOSED = /^alert:1\/0 close$/;
const FINISH = 'ccs hs:20';
const GET_CRLF = new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n');

/** ALPNExtension().create(list): protocol_name_list<2..2^16-1> of ProtocolName<1..2^8-1>, here with no checks (for the empty cases). */
function alpn(...names: string[]): Ext {
  const list = new ByteWriter();
  for (const n of names) list.vector(1, new TextEncoder().encode(n));
  return { type: EXT.alpn, data: new ByteWriter().vector(2, list.finish()).finish() };
}

/** The protocol the server selected (its ALPN extension), or null. */
function selected(c: { serverHello: { extensions: Ext[] | null } | null }): string | null {
  const e = c.serverHello?.extensions?.find((x) => x.type === EXT.alpn);
  return e ? new TextDecoder().decode(e.data.subarray(3)) : null;
}

for (const dhe of [false, true]) {
  for (const ems of [false, true]) {
    const mode = [dhe ? '-d' : '', ems ? '-M' : ''].filter(Boolean).join(' ');
    const name = (probe: string) => (mode ? `${probe} (${mode})` : probe);
    const flight = dhe ? 'hs:2 hs:11 hs:12 hs:14' : 'hs:2 hs:11 hs:14';
    const suites = (scsv: boolean): number[] => [...(dhe ? [SUITE.ECDHE_RSA_AES_128, SUITE.DHE_RSA_AES_128] : [SUITE.RSA_AES_128]), ...(scsv ? [SUITE.SCSV] : [])];
    // The script's order: ALPN (or renegotiation_info) first, then EMS, then the DHE extensions; for the
    // fuzzed probes ALPN goes last (fuzz_message counts from the end).
    const exts = (first: Ext[], alpnLast: Ext[] = []): Ext[] | null => {
      const all = [...first, ...(ems ? [empty(EXT.extended_master_secret)] : []), ...(dhe ? dheExtensions() : []), ...alpnLast];
      return all.length ? all : null;
    };
    const hello = (first: Ext[], o: { scsv?: boolean; alpnLast?: Ext[] } = {}) => ({ version: 0x0303, cipherSuites: suites(o.scsv ?? true), extensions: exts(first, o.alpnLast) });
    /** The extensions ExpectServerHello(extensions=...) lists: renegotiation_info, ALPN when expected, EMS with -M. */
    const expected = (withAlpn: boolean) => [EXT.renegotiation_info, ...(withAlpn ? [EXT.alpn] : []), ...(ems ? [EXT.extended_master_secret] : [])].sort((a, b) => a - b);
    const got = (c: Parameters<typeof serverExtensions>[0]) => serverExtensions(c).sort((a, b) => a - b);

    t.test(name('sanity'), async (t) => {
      const { c } = await connectScripted(t, port);
      t.same(await fullHandshake(c, hello([])), { flight, finish: FINISH });
      t.equal(selected(c), null);
      t.match(await getAndClose(c, GET_CRLF), HTTP_ANSWER);
    });

    for (const [probe, offer, choice] of [
      ['only http/1.1', ['http/1.1'], 'http/1.1'],
      ['http/1. and http/1.1', ['http/1.', 'http/1.1'], 'http/1.1'],
    ] as const) {
      t.test(name(probe), async (t) => {
        const { c } = await connectScripted(t, port);
        t.same(await fullHandshake(c, hello([alpn(...offer)])), { flight, finish: FINISH });
        t.same(got(c), expected(true), 'ExpectServerHello(extensions={renegotiation_info, alpn[, ems]})');
        t.equal(selected(c), choice);
        t.match(await getAndClose(c), HTTP_ANSWER);
      });
    }

    const refused = async (t: Test, fields: ReturnType<typeof hello>, alert: number, edit?: (raw: Uint8Array) => Uint8Array) => {
      const { c } = await connectScripted(t, port);
      c.hello(fields, edit ? { edit } : {});
      const answer = await expectServer(c, `alert:2/${alert}`, { close: true });
      t.equal(answer.trace, `alert:2/${alert}`, `ExpectAlert(fatal, ${alert})`);
      t.ok(answer.closed, 'ExpectClose');
    };

    for (const [probe, offer] of [
      ['only http/1.', 'http/1.'],
      ['only http/1.X', 'http/1.X'],
    ] as const) {
      t.test(name(probe), (t) => refused(t, hello([alpn(offer)]), AlertDescription.no_application_protocol));
    }
    t.test(name('empty element'), (t) => refused(t, hello([alpn('')]), AlertDescription.decode_error));
    t.test(name('empty list'), (t) => refused(t, hello([alpn()]), AlertDescription.decode_error));
    t.test(name('empty extension'), (t) => refused(t, hello([empty(EXT.alpn)]), AlertDescription.decode_error));

    // -17: the low byte of protocol_name_list's length; -7: the length of the last name ("http/2").
    for (const [probe, at, value] of [
      ['underflow length of protocol_name_list', -17, 9],
      ['overflow length of protocol_name_list', -17, 18],
      ['overflow length of last item', -7, 8],
    ] as const) {
      t.test(name(probe), (t) => refused(t, hello([], { alpnLast: [alpn('http/1.1', 'http/2')] }), AlertDescription.decode_error, (raw) => fuzz(raw, { substitutions: { [at]: value } })));
    }

    for (const [probe, first, second] of [
      ['renegotiation with protocol change', 'http/1.1', 'http/2'],
      ['renegotiation without protocol change', 'http/1.1', 'http/1.1'],
      ['renegotiation 2nd handshake alpn', null, 'http/1.1'],
    ] as const) {
      t.test(name(probe), async (t) => {
        const { c } = await connectScripted(t, port);
        const firstExt = first ? [alpn(first), renegotiationInfo(c)] : [renegotiationInfo(c)];
        t.same(await fullHandshake(c, hello(firstExt, { scsv: false })), { flight, finish: FINISH });
        t.equal(selected(c), first);
        c.resetHandshake();
        t.same(await fullHandshake(c, { ...hello([alpn(second), renegotiationInfo(c)], { scsv: false }), sessionId: new Uint8Array(0) }), { flight, finish: FINISH }, '2nd handshake');
        t.same(got(c), expected(true));
        t.equal(selected(c), second, 'the renegotiation selects anew');
        t.match(await getAndClose(c, null), CLOSED);
      });
    }

    for (const [probe, first, second] of [
      ['resumption without alpn change', 'http/1.1', 'http/1.1'],
      ['resumption with alpn change', 'http/1.1', 'h2'],
      ['resumption with alpn', null, 'http/1.1'],
    ] as const) {
      t.test(name(probe), async (t) => {
        const one = await connectScripted(t, port);
        const firstExt = first ? [alpn(first), renegotiationInfo(one.c)] : [renegotiationInfo(one.c)];
        t.same(await fullHandshake(one.c, hello(firstExt, { scsv: false })), { flight, finish: FINISH });
        t.match(await getAndClose(one.c, null), CLOSED);
        one.wire.close();
        const { c } = await connectScripted(t, port);
        c.offerSession(one.c.session());
        t.equal(await abbreviatedHandshake(c, hello([alpn(second), renegotiationInfo(c)], { scsv: false })), 'hs:2 ccs hs:20', 'ExpectServerHello(resume=True)');
        t.ok(c.resumed);
        t.same(got(c), expected(true));
        t.equal(selected(c), second, 'ALPN is negotiated on resumption too');
        t.match(await getAndClose(c, null), CLOSED);
      });
    }

    t.test(name('16269 byte long array'), async (t) => {
      // 63 names of 255 bytes, one of 196 (146 with -d), then http/1.1: a ClientHello over 2^14 bytes, in two records.
      const names = [...Array<string>(63).fill('A'.repeat(255)), 'B'.repeat(dhe ? 146 : 196), 'http/1.1'];
      const { c } = await connectScripted(t, port);
      t.same(await fullHandshake(c, hello([alpn(...names)])), { flight, finish: FINISH });
      t.equal(selected(c), 'http/1.1');
      t.match(await getAndClose(c, null), CLOSED);
    });

    // The script runs sanity first and last.
    t.test(name('sanity (again, last)'), async (t) => {
      const { c } = await connectScripted(t, port);
      t.same(await fullHandshake(c, hello([])), { flight, finish: FINISH });
      t.match(await getAndClose(c, GET_CRLF), HTTP_ANSWER);
    });
  }
}
