/**
 * ut-tls/gba: the Generic Bootstrapping Architecture pieces a NAF or UE needs for shared-key TLS
 * (TS 33.222 5.4): the TS 33.220 Annex B KDF, Ks_NAF, NAF_Id (Annex H), the B-TID, and PSK callbacks
 * in the socket API's shape. Runtime-neutral: no node: module (test/architecture checks it).
 */
export { GbaError, type GbaErrorCode } from './errors.js';
export { gbaKdf, kdfInput, type KdfParameter } from './kdf.js';
export { ksNaf, ksExtNaf, ksIntNaf, FC_KS_NAF, type KsNafInput } from './ks-naf.js';
export { nafId, uaSharedKeyTls, UA_HTTP_DIGEST, UA_ORG_3GPP } from './naf-id.js';
export { formatBtid, parseBtid, type Btid } from './btid.js';
export {
  gbaPskCallback,
  gbaClientPskCallback,
  btidOfPskIdentity,
  type GbaIdentityFormat,
  GBA_ME_HINT,
  GBA_U_HINT,
  type GbaAuthentication,
  type GbaClientOptions,
  type GbaKeyAnswer,
  type GbaKeyLookup,
  type GbaKeyRecord,
  type GbaLookupContext,
  type GbaRefusal,
  type GbaServerOptions,
  type GbaServerPskCallback,
  type GbaSocketView,
} from './psk-callbacks.js';
