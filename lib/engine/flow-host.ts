/**
 * What a handshake flow (client.ts, server.ts) needs from the connection that runs it: the services
 * of the record layer below, the clock, the provider and two events. Connection implements it; the
 * flows import only this interface, never connection.ts, so there is no import circle and a flow can
 * be driven by a fake host in a test (test/engine/flow-host.test.ts).
 */
import type { CryptoProvider } from '../crypto/provider.js';
import type { PendingStates } from './key-schedule.js';
import type { TranscriptHash } from './transcript.js';
import type { EngineEvents } from './types.js';

export interface FlowHost {
  readonly isServer: boolean;
  readonly provider: CryptoProvider;
  /** The transcript of the handshake in progress (a new one for each renegotiation). */
  readonly transcript: { add(raw: Uint8Array): void; hash(provider: CryptoProvider, excludeLast?: boolean): TranscriptHash };
  /** Only the events a flow raises itself. */
  readonly events: Pick<EngineEvents, 'keylog' | 'session'>;
  readonly now: () => number;
  /** Queues a handshake message (and adds it to the transcript). */
  sendHandshake(type: number, body: Uint8Array): void;
  /** Sends the queued handshake messages. */
  flushHandshake(): void;
  /** Flushes, sends ChangeCipherSpec and makes the pending write state current. */
  sendChangeCipherSpec(): void;
  /** The protections the next ChangeCipherSpec (each direction) makes current. */
  setPendingStates(states: PendingStates): void;
  /** Records from now on must carry TLS 1.0's version. */
  lockVersion(): void;
  /** RFC 3546 3.2: the negotiated plaintext limit. */
  setMaxFragment(length: number): void;
  /** Both Finished messages are checked. */
  handshakeDone(): void;
  /** Sends a warning alert. */
  warn(description: number): void;
}
