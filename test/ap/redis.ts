/** A real redis-server for the farm tests: 127.0.0.1, a free port, no persistence; stopped at teardown. */
import { spawnCollected, waitForPort, type SpawnedPeer } from '../helpers/peers.js';
import type { Teardown } from './helpers.js';

export interface RedisServer {
  port: number;
  url: string;
  peer: SpawnedPeer;
  /** SIGTERM, and wait (5 s at most) for the process to end. */
  stop(): Promise<void>;
}

export async function startRedis(t: Teardown, port: number): Promise<RedisServer> {
  const peer = spawnCollected(t, 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], port);
  await waitForPort(port, 10_000, peer.child);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    peer,
    async stop() {
      if (peer.child.exitCode !== null || peer.child.signalCode !== null) return;
      peer.child.kill('SIGTERM');
      await Promise.race([peer.exited, new Promise((r) => setTimeout(r, 5000).unref())]);
      if (peer.child.exitCode === null && peer.child.signalCode === null) peer.child.kill('SIGKILL');
    },
  };
}
