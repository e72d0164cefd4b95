/**
 * Real TLS peers for interop tests: gnutls-serv / gnutls-cli on 127.0.0.1, a free port each time,
 * readiness by polling the port, and every process killed in t.teardown (bounded waits throughout).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';

/** What the tap test object offers that these helpers use. */
export interface Teardown {
  teardown(fn: () => void | Promise<void>): void;
}

/** GnuTLS priority strings: TLS 1.0, RSA key exchange, SHA-1 MAC, one cipher each. */
export const GNUTLS_PRIORITY: Record<string, string> = {
  TLS_RSA_WITH_3DES_EDE_CBC_SHA: 'NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+3DES-CBC:-KX-ALL:+RSA:-MAC-ALL:+SHA1:%COMPAT',
  TLS_RSA_WITH_RC4_128_SHA: 'NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+ARCFOUR-128:-KX-ALL:+RSA:-MAC-ALL:+SHA1:%COMPAT',
  TLS_RSA_WITH_AES_128_CBC_SHA: 'NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+AES-128-CBC:-KX-ALL:+RSA:-MAC-ALL:+SHA1:%COMPAT',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+AES-256-CBC:-KX-ALL:+RSA:-MAC-ALL:+SHA1:%COMPAT',
};
/** All four suites at once (GnuTLS picks by its own preference). */
export const GNUTLS_PRIORITY_ALL =
  'NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+3DES-CBC:+ARCFOUR-128:+AES-128-CBC:+AES-256-CBC:-KX-ALL:+RSA:-MAC-ALL:+SHA1:%COMPAT';

/** A port nobody listens on right now (the kernel's choice for port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Like sleep, but the timer does not keep the process alive (for races against a real event). */
export function deadline(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port; rejects after timeoutMs. */
export async function waitForPort(port: number, timeoutMs = 10_000, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`peer exited with code ${child.exitCode} before listening on ${port}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listening on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

export interface SpawnedPeer {
  child: ChildProcess;
  port: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  exited: Promise<number | string>;
}

/** Spawns a process whose output is collected, and registers a kill in t.teardown. */
export function spawnCollected(t: Teardown, cmd: string, args: string[], port = 0): SpawnedPeer {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('latin1').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('latin1').on('data', (d: string) => (err += d));
  child.stdin!.on('error', () => {}); // the peer may exit before reading everything we send
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (e) => {
      err += String(e);
      resolve('spawn-error');
    });
  });
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await Promise.race([exited, deadline(2000)]);
    }
  });
  return { child, port, stdout: () => out, stderr: () => err, exited };
}

/** gnutls-serv --echo on 127.0.0.1 with our test certificate; resolves once it accepts connections. */
export async function startGnutlsServer(
  t: Teardown,
  opts: { certFile: string; keyFile: string; priority: string; echo?: boolean; extraArgs?: string[] },
): Promise<SpawnedPeer> {
  const port = await freePort();
  const args = ['--x509certfile', opts.certFile, '--x509keyfile', opts.keyFile, '-p', String(port), '--priority', opts.priority, '-q'];
  if (opts.echo !== false) args.push('--echo');
  args.push(...(opts.extraArgs ?? []));
  const peer = spawnCollected(t, 'gnutls-serv', args, port);
  await waitForPort(port, 15_000, peer.child);
  return peer;
}

/**
 * gnutls-cli against 127.0.0.1:port, sending `input` on stdin then closing it. The result resolves
 * when the process exits or after timeoutMs (then it is killed).
 */
export async function runGnutlsClient(
  t: Teardown,
  opts: { port: number; caFile: string; priority: string; input: string | Buffer; extraArgs?: string[]; timeoutMs?: number },
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const args = ['-p', String(opts.port), '127.0.0.1', '--x509cafile', opts.caFile, '--priority', opts.priority, ...(opts.extraArgs ?? [])];
  const peer = spawnCollected(t, 'gnutls-cli', args, opts.port);
  peer.child.stdin!.end(opts.input);
  const code = await Promise.race([
    peer.exited,
    deadline(opts.timeoutMs ?? 15_000).then(() => {
      peer.child.kill('SIGKILL');
      return 'timeout';
    }),
  ]);
  return { code, stdout: peer.stdout(), stderr: peer.stderr() };
}
