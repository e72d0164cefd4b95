/**
 * Compile-time checks through the TypeScript API: a fixture using TLSSocket / Server events and
 * getPeerCertificate() compiles, and a misspelt event name (`'secureConect'`) is an error.
 */
import t from 'tap';
import ts from 'typescript';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

const dir = join(repoRoot, 'dist', 'test', 'parity', `typed-events-fixture-${process.pid}`);
mkdirSync(dir, { recursive: true });
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = `import * as tls from 'node:tls';
import { connect, createServer, type TLSSocket, type SessionData } from '../../../../lib/index.js';
declare const s: TLSSocket;
declare const server: ReturnType<typeof createServer>;
void connect; void tls;
`;

function diagnostics(name: string, body: string): string[] {
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, HEADER + body);
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: ['node'],
  });
  return ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

t.test('the documented events compile, with their listener types', async (t) => {
  const errors = diagnostics(
    'good',
    `s.on('secureConnect', () => {});
s.once('session', (session) => { const id: Uint8Array = session.id; void id; });
s.on('keylog', (line) => line.toString('latin1'));
s.on('warningAlert', (code, name) => { const n: number = code; const m: string = name; void n; void m; });
s.on('error', (err) => err.message);
server.on('secureConnection', (socket) => socket.getProtocol());
server.on('tlsClientError', (err, socket) => { void err.message; void socket?.destroy(); });
server.on('newSession', (id, data, done) => { void id; void data; done(); });
const peer: tls.PeerCertificate = s.getPeerCertificate();
const chain: tls.DetailedPeerCertificate = s.getPeerCertificate(true);
const check: Error | undefined = tls.checkServerIdentity('localhost', s.getPeerCertificate());
const session: SessionData | undefined = s.getSession();
void peer; void chain; void check; void session;
`,
  );
  t.same(errors, []);
});

t.test('a misspelt event name does not compile', async (t) => {
  t.match(diagnostics('socket', `s.on('secureConect', () => {});\n`).join('\n'), /secureConect/, 'TLSSocket');
  t.match(diagnostics('server', `server.on('secureConection', () => {});\n`).join('\n'), /secureConection/, 'Server');
  t.match(diagnostics('once', `s.once('sesion', () => {});\n`).join('\n'), /sesion/, 'once');
});
