/**
 * `ut-tls ap --config FILE`: the Authentication Proxy of TS 33.141 5.1.4 / Annex A (lib/ap) on the
 * command line. Output contract (docs/ap.md "The command"):
 *   stdout: exactly one line "listening on HOST:PORT" once accepting;
 *   stderr: "stopping signal=... grace=...ms" and "stopped" on SIGINT/SIGTERM, then exit 0.
 * A configuration file lib/ap/config.ts refuses is a usage error (one line, exit 2), like a bad option:
 * nothing is listening yet and the fix is in what the operator gave us.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ApConfigError, loadApConfig, type ApConfig } from '../ap/config.js';
import { createProxy } from '../ap/proxy.js';
import { TICKET_KEYS_LENGTH } from '../session/tickets.js';
import { formatHelp, intOption, parseCommand, UsageError, type CommandSpec } from './args.js';
import { onStopSignals } from './common.js';
import { isApWorker, runApPrimary, workerTicketKeys } from './ap-workers.js';

export const AP_SPEC: CommandSpec = {
  name: 'ap',
  synopsis: 'ut-tls ap --config FILE [--workers N] [--grace MS]',
  description: `Runs the Authentication Proxy (TS 33.141 5.1.4, Annex A): a TLS 1.0 reverse proxy that
authenticates the UE and forwards its HTTP requests to the ASs named in the JSON configuration.
Prints "listening on HOST:PORT" on stdout once accepting.`,
  positionals: { min: 0, max: 0, name: 'argument' },
  options: [
    { name: 'config', kind: 'value', metavar: 'FILE', help: 'the JSON configuration (docs/ap.md); relative paths in it are\nrelative to FILE' },
    { name: 'workers', kind: 'value', metavar: 'N', help: 'run N processes (node:cluster) sharing the port; overrides ap.json\n"workers"; share sessions with "sessionStore": {"type": "redis", ...}' },
    { name: 'grace', kind: 'value', metavar: 'MS', help: 'on SIGINT/SIGTERM: stop accepting, let open requests finish for up to\nMS (default 5000), then close every connection and exit 0' },
  ],
  footer: `example: ut-tls ap --config docs/examples/ap.json`,
};

/**
 * The configuration and the proxy made from it (the authenticator reads its own file, e.g. users.json).
 * `ticketKeys`: the keys the primary made for its workers, used when tls.tickets names none.
 */
function loadProxy(file: string, ticketKeys?: Uint8Array): { config: ApConfig; server: ReturnType<typeof createProxy> } {
  try {
    let config = loadApConfig(file);
    if (ticketKeys && config.tls.tickets && !config.tls.ticketKeys) config = { ...config, tls: { ...config.tls, ticketKeys } };
    return { config, server: createProxy(config) };
  } catch (err) {
    // ApConfigError messages are one line already ("FILE: key: problem").
    if (err instanceof ApConfigError) throw new UsageError(err.message.replace(/\s*\n\s*/g, ' '), 'ap');
    throw err;
  }
}

export function runAp(argv: string[]): void {
  const p = parseCommand(AP_SPEC, argv);
  if (p.help) {
    process.stdout.write(formatHelp(AP_SPEC));
    return;
  }
  const file = p.value('config');
  if (!file) throw new UsageError('ap needs --config FILE', 'ap');
  const grace = intOption(p, 'grace', 0, 3_600_000, 'ap') ?? 5000;
  const workers = intOption(p, 'workers', 1, 64, 'ap');
  const { config, server } = loadProxy(file, workerTicketKeys());
  const n = workers ?? config.workers;
  if (n > 1 && !isApWorker()) {
    // The primary only checked the configuration (above, so mistakes stop here with one line); workers serve.
    server.close();
    // Tickets without tls.ticketKeys: one random set for all workers, so a ticket opens on any of them.
    return runApPrimary(n, config.listen.host, config.tls.tickets && !config.tls.ticketKeys ? new Uint8Array(randomBytes(TICKET_KEYS_LENGTH)) : undefined);
  }
  server.on('error', (err) => {
    process.stderr.write(`ut-tls ap: ${(err as Error).message}\n`);
    process.exit(1);
  });
  const { host, port } = config.listen;
  server.listen(port, host, () => {
    const addr = server.address() as AddressInfo;
    // In a worker the primary prints the one line, once every worker listens.
    if (!isApWorker()) process.stdout.write(`listening on ${host}:${addr.port}\n`);
  });
  onStopSignals(log, (signal, leave) => {
    log(`stopping signal=${signal} grace=${grace}ms`);
    const timer = setTimeout(() => {
      server.closeAllConnections();
      leave('closed-after-grace');
    }, grace);
    // close() waits for open connections; idle keep-alive ones are closed now, busy ones after their response.
    server.close(() => {
      clearTimeout(timer);
      leave('open=0');
    });
    server.closeIdleConnections();
  });
}

const log = (line: string) => process.stderr.write(`${line}\n`);
