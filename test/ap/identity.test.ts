import t from 'tap';
import {
  applyIdentityHeaders,
  decideIdentity,
  formatQuotedIdentity,
  isValidIdentity,
  parseQuotedIdentity,
} from '../../lib/ap/identity.js';

const alice = { identities: ['sip:alice@example.test', 'tel:+15550100'], default: 'sip:alice@example.test' };

t.test('quoted identity syntax (TS 24.109 7.2)', async (t) => {
  t.equal(parseQuotedIdentity('"sip:alice@example.test"'), 'sip:alice@example.test');
  t.equal(parseQuotedIdentity('  "tel:+15550100" '), 'tel:+15550100');
  t.equal(parseQuotedIdentity('sip:alice@example.test'), null, 'quotes are required');
  t.equal(parseQuotedIdentity('"a", "b"'), null, 'one identity only');
  t.equal(parseQuotedIdentity('"a\\"b"'), null);
  t.equal(parseQuotedIdentity('""'), null);
  t.equal(formatQuotedIdentity('sip:bob@example.test'), '"sip:bob@example.test"');
  t.throws(() => formatQuotedIdentity('sip:"x"'));
  t.ok(isValidIdentity('tel:+15550100'));
  t.notOk(isValidIdentity('mailto:a@b'));
  t.notOk(isValidIdentity('sip:a b'));
});

t.test('intended identity is checked against the authenticated identities', async (t) => {
  t.same(decideIdentity({}, alice), { ok: true, asserted: 'sip:alice@example.test', intended: false }, 'none sent: the default');
  t.same(decideIdentity({ 'x-3gpp-intended-identity': '"tel:+15550100"' }, alice), { ok: true, asserted: 'tel:+15550100', intended: true });
  const foreign = decideIdentity({ 'x-3gpp-intended-identity': '"sip:bob@example.test"' }, alice);
  t.equal(foreign.ok, false);
  t.equal(!foreign.ok && foreign.status, 403);
  const bad = decideIdentity({ 'x-3gpp-intended-identity': 'sip:alice@example.test' }, alice);
  t.equal(!bad.ok && bad.status, 400, 'unquoted is malformed');
  const two = decideIdentity({ 'x-3gpp-intended-identity': ['"sip:alice@example.test"', '"tel:+15550100"'] as unknown as string }, alice);
  t.equal(!two.ok && two.status, 400, 'two headers are malformed');
});

t.test('headers towards the AS: strip what the UE sent, assert only in the trust domain', async (t) => {
  const spoofed = () => ({
    host: 'as1.example.test',
    'X-3GPP-Asserted-Identity': '"sip:mallory@example.test"',
    'x-3gpp-intended-identity': '"tel:+15550100"',
    Authorization: 'Basic YWxpY2U6eA==',
    accept: '*/*',
  });
  const trusted: Record<string, string> = spoofed();
  t.equal(applyIdentityHeaders(trusted, 'tel:+15550100', true), true);
  t.same(trusted, { host: 'as1.example.test', accept: '*/*', 'x-3gpp-asserted-identity': '"tel:+15550100"' });
  const untrusted: Record<string, string> = spoofed();
  t.equal(applyIdentityHeaders(untrusted, 'tel:+15550100', false), false);
  t.same(untrusted, { host: 'as1.example.test', accept: '*/*' }, 'no identity at all to an AS outside the trust domain');
});
