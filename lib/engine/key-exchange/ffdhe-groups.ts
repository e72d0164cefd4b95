/**
 * RFC 7919 named FFDHE groups the server can use for DHE_RSA, with their supported_groups code
 * points (RFC 7919 6.1), and the server's choice among those the client lists.
 *
 * The server picks by its own preference (RFC 7919 4: "the server ... SHOULD select ... the group it
 * prefers"), ffdhe2048 first by default: every step up costs handshake time (a 4096-bit exponentiation
 * is several times a 2048-bit one) and the UE/AP profile asks for no more than 2048 bits. ffdhe6144 and
 * ffdhe8192 come last: only a client that lists nothing smaller gets them (tlsfuzzer's
 * test-ffdhe-negotiation.py asks for each group alone), rather than a handshake without DHE.
 */
import { FFDHE2048, FFDHE3072, FFDHE4096, FFDHE6144, FFDHE8192, type DhGroup } from '../../crypto/dh.js';
import { TLSConfigError } from '../../errors.js';

export type FfdheGroupName = 'ffdhe2048' | 'ffdhe3072' | 'ffdhe4096' | 'ffdhe6144' | 'ffdhe8192';

export interface NamedFfdheGroup {
  readonly name: FfdheGroupName;
  /** NamedGroup code point in supported_groups. */
  readonly id: number;
  readonly group: DhGroup;
}

export const FFDHE_GROUPS: Readonly<Record<FfdheGroupName, NamedFfdheGroup>> = Object.freeze({
  ffdhe2048: { name: 'ffdhe2048', id: 0x0100, group: FFDHE2048 },
  ffdhe3072: { name: 'ffdhe3072', id: 0x0101, group: FFDHE3072 },
  ffdhe4096: { name: 'ffdhe4096', id: 0x0102, group: FFDHE4096 },
  ffdhe6144: { name: 'ffdhe6144', id: 0x0103, group: FFDHE6144 },
  ffdhe8192: { name: 'ffdhe8192', id: 0x0104, group: FFDHE8192 },
});

/** The default server preference: smallest (fastest) first. */
export const DEFAULT_FFDHE_PREFERENCE: readonly FfdheGroupName[] = Object.freeze(['ffdhe2048', 'ffdhe3072', 'ffdhe4096', 'ffdhe6144', 'ffdhe8192']);

export function isFfdheGroupName(name: unknown): name is FfdheGroupName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(FFDHE_GROUPS, name);
}

/** The named group whose prime is `group` (compared by value), or null for any other group. */
export function namedFfdheGroup(group: DhGroup | undefined): NamedFfdheGroup | null {
  if (!group) return null;
  return Object.values(FFDHE_GROUPS).find((n) => n.group.p === group.p && n.group.g === group.g) ?? null;
}

/**
 * The server's preference order. An explicit `ffdheGroups` wins; otherwise a `dhGroup` that is itself
 * an RFC 7919 group goes first (so `dhGroup: FFDHE3072` / `--dh-group ffdhe3072` means "prefer it"),
 * then the default order.
 */
export function ffdhePreference(options: { ffdheGroups?: readonly FfdheGroupName[]; dhGroup?: DhGroup }): readonly FfdheGroupName[] {
  if (options.ffdheGroups) return options.ffdheGroups;
  const first = namedFfdheGroup(options.dhGroup)?.name;
  return first ? [first, ...DEFAULT_FFDHE_PREFERENCE.filter((n) => n !== first)] : DEFAULT_FFDHE_PREFERENCE;
}

/** The first group of `preference` that the client listed, or null when there is none in common. */
export function pickFfdheGroup(clientGroups: readonly number[], preference: readonly FfdheGroupName[]): NamedFfdheGroup | null {
  for (const name of preference) {
    const named = FFDHE_GROUPS[name];
    if (clientGroups.includes(named.id)) return named;
  }
  return null;
}

/** Refuses a preference list with unknown or repeated names (TLSConfigError, when the server is made). */
export function checkFfdhePreference(list: unknown): readonly FfdheGroupName[] {
  if (!Array.isArray(list) || list.length === 0) throw new TLSConfigError('ffdheGroups must be a non-empty array of ffdhe2048 / ffdhe3072 / ffdhe4096 / ffdhe6144 / ffdhe8192', 'ffdheGroups');
  for (const [i, name] of list.entries()) {
    if (!isFfdheGroupName(name)) throw new TLSConfigError(`ffdheGroups[${i}]: unknown group ${JSON.stringify(name)} (ffdhe2048, ffdhe3072, ffdhe4096, ffdhe6144 or ffdhe8192)`, 'ffdheGroups');
    if (list.indexOf(name) !== i) throw new TLSConfigError(`ffdheGroups: ${name} listed twice`, 'ffdheGroups');
  }
  return list as FfdheGroupName[];
}
