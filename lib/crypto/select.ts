/**
 * Choosing a crypto provider: `resolveProvider('auto' | 'pure' | 'native' | provider)`.
 *
 * Runtime-neutral: this file imports nothing from node:* and never loads the native provider itself.
 * Why a registry instead of an import: lib/ must load in any JS runtime, and ESM offers no
 * synchronous, import-free way to load a Node-only module on demand (a dynamic `import()` is async,
 * so the first connection would race it; `createRequire` needs node:module). So the Node-only
 * ./native.ts registers its factory here when it is imported (lib/socket, which is Node-only
 * anyway, imports it), and this file only consults the registry. In a browser or worker nothing
 * registers, and 'auto' quietly means 'pure'. A bundler never sees node:crypto through this file.
 */
import { TLSConfigError } from '../errors.js';
import type { BulkCipherName, CryptoProvider, HashName, RandomSource } from './provider.js';
import { createPureProvider, pureProvider } from './pure.js';

/** What an application may pass as its `crypto` option. */
export type CryptoChoice = 'auto' | 'pure' | 'native' | CryptoProvider;

/** Options the registry passes to the native provider factory (see ./native.ts). */
export interface NativeProviderOptions {
  /** Randomness for the provider's `random`; defaults to node:crypto's CSPRNG. */
  random?: RandomSource;
  /**
   * false (default): an algorithm node:crypto lacks runs on the pure implementation instead.
   * true: no pure fallbacks; the factory throws TLSConfigError if any cipher in `ciphers` (default:
   * every bulk cipher) is missing, and createCipher throws it for any other missing one.
   */
  strict?: boolean;
  /** With `strict`: the bulk ciphers that must be native (e.g. those of the configured suites). */
  ciphers?: readonly BulkCipherName[];
  /** Algorithms never to take from node:crypto, as if OpenSSL lacked them (policy, and tests). */
  exclude?: readonly (BulkCipherName | HashName)[];
}

export type NativeProviderFactory = (options: NativeProviderOptions) => CryptoProvider;

export interface ResolveProviderOptions {
  /**
   * Randomness for a provider built here ('auto', 'pure', 'native'); a provider object passed in
   * keeps its own `random`, and this is ignored.
   */
  random?: RandomSource;
  /** For 'native': the bulk ciphers that must run natively (default: all five). */
  ciphers?: readonly BulkCipherName[];
}

let nativeFactory: NativeProviderFactory | undefined;
/** 'auto' without a custom random is asked for on every connection: build that provider once. */
let autoCache: { factory: NativeProviderFactory; provider: CryptoProvider } | undefined;

/**
 * Makes the native provider available to 'auto' and 'native' (called by ./native.ts on import).
 * Returns the factory registered before, so a caller (a test) can put it back; undefined unregisters.
 */
export function registerNativeProvider(factory: NativeProviderFactory | undefined): NativeProviderFactory | undefined {
  const previous = nativeFactory;
  nativeFactory = factory;
  autoCache = undefined;
  return previous;
}

/** True when this runtime is Node (or one that reports itself as Node, as Bun and Deno do). */
export function isNodeRuntime(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof proc?.versions?.node === 'string';
}

/** Whether 'auto' would pick the native provider here. */
export function nativeProviderAvailable(): boolean {
  return nativeFactory !== undefined && isNodeRuntime();
}

const PROVIDER_FUNCTIONS = ['createCipher', 'createMac', 'hash', 'rsaPublicRaw', 'rsaPrivateRaw', 'random'] as const;

function checkProviderShape(p: object): CryptoProvider {
  const table = p as Record<string, unknown>;
  const missing: string[] = typeof table['name'] === 'string' ? [] : ['name'];
  for (const f of PROVIDER_FUNCTIONS) if (typeof table[f] !== 'function') missing.push(f);
  if (missing.length > 0) {
    throw new TLSConfigError(`crypto: the provider object lacks ${missing.join(', ')} (see CryptoProvider in crypto/provider.ts)`);
  }
  return p as CryptoProvider;
}

function resolveAuto(random: RandomSource | undefined): CryptoProvider {
  const factory = nativeFactory;
  if (factory === undefined || !isNodeRuntime()) return random ? createPureProvider({ random }) : pureProvider;
  if (!random && autoCache?.factory === factory) return autoCache.provider;
  let provider: CryptoProvider;
  try {
    provider = factory(random ? { random } : {});
  } catch {
    // 'auto' promises a working provider: a node:crypto that cannot even be set up means pure.
    return random ? createPureProvider({ random }) : pureProvider;
  }
  if (!random) autoCache = { factory, provider };
  return provider;
}

function resolveNative(options: ResolveProviderOptions): CryptoProvider {
  if (!isNodeRuntime()) {
    throw new TLSConfigError("crypto: 'native' needs node:crypto, and this runtime is not Node; use 'auto' or 'pure'");
  }
  const factory = nativeFactory;
  if (factory === undefined) {
    throw new TLSConfigError(
      "crypto: 'native' requested but the native provider is not loaded; import 'ut-tls' (its socket layer loads it) or lib/crypto/native.js first",
    );
  }
  const factoryOptions: NativeProviderOptions = { strict: true };
  if (options.random) factoryOptions.random = options.random;
  if (options.ciphers) factoryOptions.ciphers = options.ciphers;
  return factory(factoryOptions);
}

/**
 * The provider for a `crypto` option:
 * - 'auto' (and undefined): the native provider when running on Node with it registered (with pure
 *   fallbacks for whatever OpenSSL lacks, e.g. RC4 under OpenSSL 3); the pure provider otherwise.
 *   Never throws.
 * - 'pure': the pure-TypeScript provider.
 * - 'native': node:crypto for everything in `options.ciphers` (default: every bulk cipher), else
 *   TLSConfigError naming what is missing and why.
 * - a CryptoProvider object: returned as it is (after a shape check).
 */
export function resolveProvider(choice: CryptoChoice | undefined = 'auto', options: ResolveProviderOptions = {}): CryptoProvider {
  if (typeof choice === 'object' && choice !== null) return checkProviderShape(choice);
  switch (choice) {
    case 'auto':
      return resolveAuto(options.random);
    case 'pure':
      return options.random ? createPureProvider({ random: options.random }) : pureProvider;
    case 'native':
      return resolveNative(options);
    default:
      throw new TLSConfigError(`crypto: expected 'auto', 'pure', 'native' or a CryptoProvider object, got ${String(choice)}`);
  }
}
