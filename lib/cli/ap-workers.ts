/**
 * `ut-tls ap --workers N` (or ap.json `workers`): N processes from node:cluster sharing the
 * listening port (the primary accepts and hands connections round-robin, SCHED_RR, Node's default
 * on Linux). Share sessions between them with `sessionStore: redis`, or each worker keeps its own
 * and a UE resumes only when it lands on the same worker again.
 *
 * The primary keeps the command's output contract (docs/ap.md): one "listening on HOST:PORT" on
 * stdout once every worker listens; SIGINT/SIGTERM is passed to the workers, which drain as one
 * process does, and the primary exits 0 once all have left. A worker that dies otherwise is
 * started again (at most once a second per slot, so a worker that cannot start does not spin).
 */
import cluster, { type Worker } from 'node:cluster';
import { TICKET_KEYS_LENGTH } from '../session/tickets.js';
import { onStopSignals } from './common.js';

const log = (line: string) => process.stderr.write(`${line}\n`);

/** The environment variable that hands the primary's ticket keys (hex) to its workers. */
const TICKET_KEYS_ENV = 'UT_TLS_AP_TICKET_KEYS';

/**
 * In the primary: forks `n` workers running the same command line. `ticketKeys` (tls.tickets without
 * tls.ticketKeys): the one random set every worker seals and opens tickets with. It reaches them in
 * their environment, which only the same user (and root) can read, as it can read the process memory.
 */
export function runApPrimary(n: number, host: string, ticketKeys?: Uint8Array): void {
  let listening = 0;
  let stopping = false;
  let announced = false;
  const lastStart = new Map<number, number>();
  const start = (slot: number) => {
    lastStart.set(slot, Date.now());
    const w = cluster.fork({ UT_TLS_AP_WORKER: String(slot), ...(ticketKeys ? { [TICKET_KEYS_ENV]: Buffer.from(ticketKeys).toString('hex') } : {}) });
    let counted = false;
    w.on('listening', (addr) => {
      if (counted) return;
      counted = true;
      listening++;
      if (listening === n && !announced) {
        announced = true;
        process.stdout.write(`listening on ${host}:${addr.port}\n`);
      }
    });
    w.on('exit', (code, signal) => {
      if (counted) listening--;
      if (stopping) return;
      log(`ut-tls ap: worker ${slot} exited (code=${code} signal=${signal}); starting another`);
      const wait = Math.max(0, 1000 - (Date.now() - (lastStart.get(slot) ?? 0)));
      setTimeout(() => { if (!stopping) start(slot); }, wait).unref();
    });
  };
  for (let i = 0; i < n; i++) start(i);
  onStopSignals(log, (signal, leave) => {
    stopping = true;
    log(`stopping signal=${signal} workers=${n}`);
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    let left = workers.length;
    if (left === 0) return leave('workers=0');
    for (const w of workers) {
      w.once('exit', () => {
        if (--left === 0) leave(`workers=${workers.length}`);
      });
      w.process.kill(signal as NodeJS.Signals);
    }
  });
}

export const isApWorker = (): boolean => cluster.isWorker && process.env.UT_TLS_AP_WORKER !== undefined;

/** In a worker: the primary's ticket keys, read once and removed from the environment. */
export function workerTicketKeys(): Uint8Array | undefined {
  const hex = isApWorker() ? process.env[TICKET_KEYS_ENV] : undefined;
  delete process.env[TICKET_KEYS_ENV];
  const keys = hex ? new Uint8Array(Buffer.from(hex, 'hex')) : undefined;
  return keys?.length === TICKET_KEYS_LENGTH ? keys : undefined;
}
