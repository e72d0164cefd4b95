// A newcomer's ESM program against the INSTALLED ut-tls (node_modules/ut-tls from the packed
// tarball): PEM virtual hosts, addContext, SNICallback, a mismatched key, a misspelt option, and the
// key log SSLKEYLOGFILE names. Prints one JSON object; test/parity/packed-install.test.ts judges it.
import { connect, createServer, createSecureContext, TLSConfigError } from 'ut-tls';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';

const f = JSON.parse(readFileSync(new URL('./fixtures.json', import.meta.url), 'utf8'));
const out = { keylogEvents: [] };

async function listen(server) {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server.address().port;
}

/** The CN of the certificate the server answered `servername` with. */
async function cnFor(port, servername) {
  const s = connect({ host: '127.0.0.1', port, servername, ca: f.ca });
  s.on('keylog', (line) => out.keylogEvents.push(line.toString('latin1').trim()));
  const closed = once(s, 'close'); // may come in the same tick as 'secureConnect'
  await once(s, 'secureConnect');
  const cn = s.getPeerCertificate().subject.CN;
  s.end();
  s.resume();
  await closed;
  return cn;
}

function refusal(fn) {
  try {
    fn();
    return null;
  } catch (e) {
    return { name: e.name, code: e.code, option: e.option, message: e.message, isTLSConfigError: e instanceof TLSConfigError };
  }
}

const hosts = createServer({ key: f.key, cert: f.localhostCert, contexts: [{ servername: 'a.example.org', key: f.key, cert: f.aCert }] }, (s) => s.end());
const port = await listen(hosts);
out.contexts = await cnFor(port, 'a.example.org');
hosts.addContext('*.example.org', { key: f.key, cert: f.wildCert });
out.addContext = await cnFor(port, 'c.example.org');
out.addContextWins = await cnFor(port, 'a.example.org'); // addContext() entries come first, as node:tls
out.defaultHost = await cnFor(port, 'localhost');
hosts.close();

const b = createSecureContext({ key: f.key, cert: f.bCert });
const sni = createServer({ key: f.key, cert: f.localhostCert, SNICallback: (name, cb) => cb(null, name === 'b.example.org' ? b : null) }, (s) => s.end());
const sniPort = await listen(sni);
out.SNICallback = await cnFor(sniPort, 'b.example.org');
out.SNICallbackDefault = await cnFor(sniPort, 'localhost');
sni.close();

out.mismatchedKey = refusal(() => createServer({ key: f.otherKey, cert: f.localhostCert }));
out.misspelt = refusal(() => createServer({ key: f.key, cert: f.localhostCert, requestCrt: true }));
console.log(JSON.stringify(out));
