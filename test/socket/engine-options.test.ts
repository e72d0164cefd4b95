/**
 * The socket's pass-through lists derive from the engine option types (lib/socket/engine-options.ts):
 * the same names as the hand-written lists they replaced, each one a known option of its role, and
 * each one reaching the engine unchanged.
 */
import t from 'tap';
import { CLIENT_ENGINE_ROUTES, CLIENT_PASSTHROUGH, SERVER_ENGINE_ROUTES, SERVER_PASSTHROUGH } from '../../lib/socket/engine-options.js';
import { checkKnownOptions } from '../../lib/socket/known-options.js';
import { resolveClientContext } from '../../lib/socket/options.js';

t.test('the pass-through lists are the engine options routed "pass"', async (t) => {
  t.same(
    [...CLIENT_PASSTHROUGH].sort(),
    ['ALPNProtocols', 'allowNullEncryption', 'certificateUrl', 'encryptThenMac', 'extendedMasterSecret', 'maxFragmentLength', 'maxSessionLeafSize', 'minDHSize', 'pskCallback', 'renegotiation', 'requestOCSP', 'requireExtendedMasterSecret', 'truncatedHmac', 'trustedCaKeys', 'verifyOCSP'],
  );
  t.same(
    [...SERVER_PASSTHROUGH].sort(),
    ['ALPNCallback', 'ALPNProtocols', 'allowNullEncryption', 'certificateAuthorities', 'dhGroup', 'encryptThenMac', 'extendedMasterSecret', 'fetchCertificateUrl', 'ffdheGroups', 'maxSessionLeafSize', 'ocspResponse', 'pskIdentityHint', 'reauthenticateResumed', 'renegotiation', 'requireEncryption128', 'requireExtendedMasterSecret', 'truncatedHmac', 'unrecognizedName'],
  );
  t.equal(CLIENT_ENGINE_ROUTES.verifyPeer, 'engine', 'verifyPeer is not a socket option');
  t.equal(SERVER_ENGINE_ROUTES.certificateChain, 'socket');
});

t.test('every pass-through name is a known option of its role', async (t) => {
  for (const name of CLIENT_PASSTHROUGH) t.doesNotThrow(() => checkKnownOptions({ [name]: 1 }, 'client'), name);
  for (const name of SERVER_PASSTHROUGH) t.doesNotThrow(() => checkKnownOptions({ [name]: 1 }, 'server'), name);
  t.throws(() => checkKnownOptions({ verifyPeer: () => ({ authorized: true }) }, 'client'), /verifyPeer: unknown option/);
});

t.test('a client pass-through option reaches the engine unchanged', async (t) => {
  const ctx = resolveClientContext({ maxFragmentLength: 1024, requestOCSP: true, minDHSize: 2048 });
  t.equal(ctx.engine.maxFragmentLength, 1024);
  t.equal(ctx.engine.requestOCSP, true);
  t.equal(ctx.engine.minDHSize, 2048);
});
