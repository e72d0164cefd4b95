/**
 * `npm run ap:demo-certs -- DIR`: throw-away certificates, keys and users.json for docs/examples/ap.json
 * (labs and the tests; keys unprotected). Repository tooling: the certificate maker is the test CA
 * (test/helpers/testca.ts), which the package does not ship.
 */
import { writeDemoCerts } from '../test/helpers/ap-demo-certs.js';

const dir = process.argv[2];
if (!dir || process.argv.length > 3) {
  process.stderr.write('usage: npm run ap:demo-certs -- DIR\n');
  process.exitCode = 2;
} else {
  await writeDemoCerts(dir);
  process.stdout.write(`wrote demo certificates and users.json to ${dir}\n`);
}
