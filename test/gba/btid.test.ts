/** B-TID (TS 33.220 4.5.2): base64(RAND)@BSF_servers_domain_name, and what parseBtid refuses. */
import t from 'tap';
import { formatBtid, parseBtid, GbaError } from 'ut-tls/gba';

const RAND = Uint8Array.from(Buffer.from('23553cbe9637a89d218ae64dae47bf35', 'hex'));

t.test('format and parse round-trip', async (t) => {
  const btid = formatBtid(RAND, 'bsf.mnc001.mcc001.pub.3gppnetwork.org');
  t.equal(btid, `${Buffer.from(RAND).toString('base64')}@bsf.mnc001.mcc001.pub.3gppnetwork.org`);
  t.equal(btid, 'I1U8vpY3qJ0hiuZNrke/NQ==@bsf.mnc001.mcc001.pub.3gppnetwork.org');
  const p = parseBtid(btid);
  t.same([...p.rand], [...RAND]);
  t.equal(p.bsfDomain, 'bsf.mnc001.mcc001.pub.3gppnetwork.org');
});

t.test('malformed B-TIDs are GbaError ERR_GBA_BAD_BTID', async (t) => {
  const cases: [string, string][] = [
    ['', 'empty'],
    ['I1U8vpY3qJ0hiuZNrke/NQ==', 'no @'],
    ['@bsf.example', 'nothing before @'],
    ['I1U8vpY3qJ0hiuZNrke/NQ==@a@bsf.example', 'two @'],
    ['I1U8vpY3qJ0hiuZNrke/NQ==@', 'no domain'],
    ['I1U8vpY3qJ0hiuZNrke/NQ==@bsf..example', 'bad domain'],
    ['I1U8vpY3qJ0h!uZNrke/NQ==@bsf.example', 'outside the alphabet'],
    ['I1U8vpY3qJ0hiuZNrke/NQ=@bsf.example', 'not whole quanta'],
    ['I1U8vpY3qJ0hiuZNrke/NR==@bsf.example', 'non-canonical (padding bits set)'],
    ['AAAA@bsf.example', 'RAND of 3 octets'],
    [`I1U8vpY3qJ0hiuZNrke/NQ==@${'a.'.repeat(200)}example`, 'too long'],
  ];
  for (const [s, what] of cases) {
    t.throws(() => parseBtid(s), { name: 'GbaError', code: 'ERR_GBA_BAD_BTID' }, what);
  }
  t.throws(() => parseBtid(42 as unknown as string), GbaError, 'not a string');
  t.throws(() => formatBtid(new Uint8Array(8), 'bsf.example'), GbaError, 'RAND of 8 octets');
  t.throws(() => formatBtid(RAND, 'bsf example'), GbaError, 'domain with a space');
});
