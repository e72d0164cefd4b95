/**
 * RFC 2246 6.3 and 8.1: from the premaster (or a resumed master) and the two randoms to the four
 * directional record protections.
 */
import type { CryptoProvider } from '../crypto/provider.js';
import { keyBlock, masterSecret, type MacSource } from '../crypto/prf.js';
import { RecordProtection, type TrafficKeys } from '../record/protection.js';
import { cipherInfo, macInfo, type CipherSuite } from '../suites.js';

export { masterSecret };

export interface ConnectionKeys {
  client: TrafficKeys;
  server: TrafficKeys;
}

/** Partitions the key block: client MAC, server MAC, client key, server key, client IV, server IV. */
export function deriveKeys(
  suite: CipherSuite,
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  macs?: MacSource,
): ConnectionKeys {
  const cipher = cipherInfo(suite);
  const macLen = macInfo(suite).length;
  const keyLen = cipher.keyMaterial;
  const ivLen = cipher.ivSize;
  const block = keyBlock(master, clientRandom, serverRandom, 2 * (macLen + keyLen + ivLen), macs);
  let off = 0;
  const take = (n: number): Uint8Array => {
    const v = block.slice(off, off + n);
    off += n;
    return v;
  };
  const clientMac = take(macLen);
  const serverMac = take(macLen);
  const clientKey = take(keyLen);
  const serverKey = take(keyLen);
  const clientIv = take(ivLen);
  const serverIv = take(ivLen);
  return {
    client: { macKey: clientMac, key: clientKey, iv: clientIv },
    server: { macKey: serverMac, key: serverKey, iv: serverIv },
  };
}

export interface PendingStates {
  read: RecordProtection;
  write: RecordProtection;
}

/** The pending read and write states for one side, made current at ChangeCipherSpec. */
export function pendingStates(
  provider: CryptoProvider,
  suite: CipherSuite,
  keys: ConnectionKeys,
  isServer: boolean,
  options: { truncatedMac?: boolean; encryptThenMac?: boolean } = {},
): PendingStates {
  const mine = isServer ? keys.server : keys.client;
  const theirs = isServer ? keys.client : keys.server;
  return {
    write: RecordProtection.create(provider, suite, mine, 'seal', options),
    read: RecordProtection.create(provider, suite, theirs, 'open', options),
  };
}
