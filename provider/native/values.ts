// Property values on the wire: the engine sends secrets wrapped (the provider accepts secrets), and every value
// that came in secret, or that quotes one, goes back out wrapped, so nothing secret lands in state in plain text.
import { LIFECYCLE_ARGS } from '../args';
import { BASTION_KEYS_KIND } from '../bastion';
import { secretTaintsOf } from '../lifecycle/resource';
import { connectionSpecs, type ConnectionKind } from '../specs';
import type { ResourceKind } from '../dynamic';

export type Props = Record<string, unknown>;

/** Pulumi's special-value signature key and the signature of a secret (sdk/go/common/resource/sig). */
export const SIG_KEY = '4dabf18193072939515e22adb298388d';
export const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

export function isSecretValue(v: unknown): v is { value: unknown } {
  return typeof v === 'object' && v !== null && (v as Props)[SIG_KEY] === SECRET_SIG;
}

export function secret(value: unknown): Props {
  return { [SIG_KEY]: SECRET_SIG, value };
}

function strip(v: unknown): { value: unknown; secret: boolean } {
  if (isSecretValue(v)) return { value: strip(v.value).value, secret: true };
  if (Array.isArray(v)) {
    const items = v.map(strip);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v).map(([k, x]) => [k, strip(x)] as const);
    return {
      value: Object.fromEntries(entries.map(([k, x]) => [k, x.value])),
      secret: entries.some(([, x]) => x.secret),
    };
  }
  return { value: v, secret: false };
}

/** Plain values for the lifecycle, and the top-level keys that held a secret anywhere inside. */
export function unwrapSecrets(props: Props): { plain: Props; secretKeys: Set<string> } {
  const plain: Props = {};
  const secretKeys = new Set<string>();
  for (const [k, v] of Object.entries(props)) {
    const s = strip(v);
    plain[k] = s.value;
    if (s.secret) secretKeys.add(k);
  }
  return { plain, secretKeys };
}

/** Keys wrapped as secrets; absent or null values stay as they are. */
export function wrapSecrets(props: Props, keys: Iterable<string>): Props {
  const out = { ...props };
  for (const k of keys) if (out[k] !== undefined && out[k] !== null && !isSecretValue(out[k])) out[k] = secret(out[k]);
  return out;
}

/** Inputs of a kind that are always secret, whatever the program gave: credentials and where Materialize is. */
export function alwaysSecret(kind: ResourceKind): string[] {
  if (kind === 'secret') return ['materialize', 'value'];
  if (kind === 'aws-connection-role') return ['materialize'];
  if (kind === BASTION_KEYS_KIND) return ['materialize', 'privateKey', 'privateKeyPassphrase', 'jumpHost'];
  const sensitive = connectionSpecs[kind as ConnectionKind].options.filter((o) => o.sensitive).map((o) => o.arg);
  return ['materialize', 'diagnose', ...sensitive];
}

/**
 * The output keys to send as secrets: the always-secret ones, every key given as a secret, and, when an input
 * the provider does not mask itself was a secret, every output that quotes the inputs (plannedSql, createSql,
 * an echoed option), as the dynamic SDK's taints do.
 */
export function secretOutputKeys(kind: ResourceKind, secretInputs: Iterable<string>): Set<string> {
  const always = alwaysSecret(kind);
  const keys = new Set<string>([...always, ...secretInputs]);
  const masked = new Set<string>([...LIFECYCLE_ARGS, ...always]);
  const quoting =
    kind === 'aws-connection-role' || kind === BASTION_KEYS_KIND
      ? []
      : secretTaintsOf(kind === 'secret' ? undefined : (kind as ConnectionKind));
  if ([...secretInputs].some((k) => !masked.has(k))) for (const k of quoting) keys.add(k);
  return keys;
}
