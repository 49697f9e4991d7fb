// Property values as the Pulumi engine sees them on the wire (google.protobuf.Struct JSON):
// plain JSON, secrets as {SIG: SECRET, value}, unknowns as the UNKNOWN sentinel string, resource
// references as {SIG: RESOURCE_REF, urn, id?, packageVersion}.
import * as crypto from 'crypto';

export type Value = unknown;
export type PropertyMap = Record<string, Value>;

export const SIG = '4dabf18193072939515e22adb298388d';
export const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';
export const RESOURCE_REF_SIG = '5cf8f73096256a8f31e491e813e4eb8e';
export const ASSET_SIG = 'c44067f5952c0a294b673a41bacd8c17';
export const ARCHIVE_SIG = '0def7320c3a5731c473e5ecbe6d01bc7';
/** The engine's unknown sentinel (rpc.unknownValue): what Check/Diff see for not-yet-known values in preview. */
export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';

const isObj = (v: Value): v is Record<string, Value> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isSecret(v: Value): v is { value: Value } {
  return isObj(v) && v[SIG] === SECRET_SIG;
}
export function makeSecret(v: Value): Value {
  return isSecret(v) ? v : { [SIG]: SECRET_SIG, value: v };
}
export function isResourceRef(v: Value): v is { urn: string; id?: Value } {
  return isObj(v) && v[SIG] === RESOURCE_REF_SIG;
}
export function containsSecrets(v: Value): boolean {
  if (isSecret(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecrets);
  if (isObj(v)) return Object.values(v).some(containsSecrets);
  return false;
}
export function containsUnknowns(v: Value): boolean {
  if (v === UNKNOWN) return true;
  if (isSecret(v)) return containsUnknowns(v.value);
  if (Array.isArray(v)) return v.some(containsUnknowns);
  if (isObj(v)) return Object.values(v).some(containsUnknowns);
  return false;
}

/**
 * What a provider that replied acceptSecrets=false / acceptResources=false receives: secrets unwrapped,
 * resource references downgraded to their id (custom) or urn (component), undefined dropped.
 */
export function plain(v: Value): Value {
  if (v === undefined) return undefined;
  if (isSecret(v)) return plain(v.value);
  if (isResourceRef(v)) return v.id !== undefined && v.id !== '' ? plain(v.id) : v.urn;
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : plain(x)));
  if (isObj(v)) {
    const out: PropertyMap = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = plain(x);
    return out;
  }
  return v;
}
export function plainMap(m: PropertyMap | undefined): PropertyMap {
  return (plain(m ?? {}) as PropertyMap) ?? {};
}

/**
 * The engine's annotateSecrets (pkg/resource/plugin/provider_plugin.go): for each key present in both, recurse
 * if both are objects, otherwise mark the output secret when the input contains a secret.
 */
export function annotateSecrets(outs: PropertyMap, ins: PropertyMap | undefined): PropertyMap {
  if (!ins) return outs;
  const res: PropertyMap = { ...outs };
  for (const [k, inV] of Object.entries(ins)) {
    if (!(k in res)) continue;
    const outV = res[k];
    if (isObj(outV) && !isSecret(outV) && !isResourceRef(outV) && isObj(inV) && !isSecret(inV) && !isResourceRef(inV)) {
      res[k] = annotateSecrets(outV, inV);
    } else if (!isSecret(outV) && containsSecrets(inV)) {
      res[k] = makeSecret(outV);
    }
  }
  return res;
}

/** Marks top-level keys secret (additionalSecretOutputs, as the step executor does). */
export function markSecretKeys(outs: PropertyMap, keys: string[]): PropertyMap {
  const res: PropertyMap = { ...outs };
  for (const k of keys) if (k !== 'id' && k in res) res[k] = makeSecret(res[k]);
  return res;
}

export function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** Top-level keys whose plaintext values differ (the engine's legacy input diff, used on DIFF_UNKNOWN). */
export function changedKeys(olds: PropertyMap, news: PropertyMap): string[] {
  const po = plainMap(olds);
  const pn = plainMap(news);
  const keys = new Set([...Object.keys(po), ...Object.keys(pn)]);
  return [...keys].filter((k) => !deepEqual(po[k], pn[k]) || pn[k] === UNKNOWN).sort();
}

/**
 * Secrets manager stand-in: encrypts every secret as Pulumi's checkpoint does, i.e.
 * {SIG: SECRET, ciphertext: "v1:<nonce>:<ciphertext>"} (AES-256-GCM, like the passphrase manager).
 */
export class SecretsManager {
  private readonly key = crypto.randomBytes(32);
  encrypt(plaintext: string): string {
    const nonce = crypto.randomBytes(12);
    const c = crypto.createCipheriv('aes-256-gcm', this.key, nonce);
    const ct = Buffer.concat([c.update(plaintext, 'utf8'), c.final(), c.getAuthTag()]);
    return `v1:${nonce.toString('base64')}:${ct.toString('base64')}`;
  }
  decrypt(ciphertext: string): string {
    const [v, n, b] = ciphertext.split(':');
    if (v !== 'v1') throw new Error('unknown ciphertext version');
    const buf = Buffer.from(b, 'base64');
    const d = crypto.createDecipheriv('aes-256-gcm', this.key, Buffer.from(n, 'base64'));
    d.setAuthTag(buf.subarray(buf.length - 16));
    return Buffer.concat([d.update(buf.subarray(0, buf.length - 16)), d.final()]).toString('utf8');
  }
  /** Engine value -> checkpoint value (secrets encrypted). */
  seal(v: Value): Value {
    if (isSecret(v)) return { [SIG]: SECRET_SIG, ciphertext: this.encrypt(JSON.stringify(plain(v.value) ?? null)) };
    if (Array.isArray(v)) return v.map((x) => this.seal(x));
    if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.seal(x)]));
    return v;
  }
  /** Checkpoint value -> engine value (secrets decrypted, wrapped). */
  unseal(v: Value): Value {
    if (isObj(v) && v[SIG] === SECRET_SIG && typeof v.ciphertext === 'string')
      return makeSecret(JSON.parse(this.decrypt(v.ciphertext)));
    if (Array.isArray(v)) return v.map((x) => this.unseal(x));
    if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.unseal(x)]));
    return v;
  }
}
