// The same package from CommonJS: require(esm) (Node 20.19+), one handshake and one refusal.
const { connect, createServer, TLSConfigError } = require('ut-tls');
const { once } = require('node:events');
const f = require('./fixtures.json');

(async () => {
  const server = createServer({ key: f.key, cert: f.localhostCert }, (s) => s.end('hi'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const s = connect({ host: '127.0.0.1', port: server.address().port, servername: 'localhost', ca: f.ca });
  let data = '';
  s.on('data', (d) => (data += d));
  // 'close' may come in the same tick as 'secureConnect' (one TCP chunk: Finished, data, close_notify;
  // docs/node-parity.md "Event timing"): wait for it from the start.
  const closed = once(s, 'close');
  await once(s, 'secureConnect');
  const protocol = s.getProtocol();
  await closed;
  server.close();
  let refused = null;
  try {
    createServer({ key: f.otherKey, cert: f.localhostCert });
  } catch (e) {
    refused = { code: e.code, isTLSConfigError: e instanceof TLSConfigError };
  }
  console.log(JSON.stringify({ protocol, data, refused }));
})();
