// The provider side of diagnostics: the `diagnose` input, and what happens when Materialize rejects a
// connection at create or update (SQLSTATE 58000, a validation failure): probe the same upstream from this
// machine within a short budget and append the verdict to the error. Nothing runs when validation passes.
import type { ObjectRef } from '../args';
import { readConnectionRow } from '../lifecycle/catalog';
import { MaterializeError } from '../lifecycle/errors';
import type { DiagnosticsHook } from '../lifecycle/hooks';
import type { Session } from '../lifecycle/pool';
import { parseShowCreateConnection } from '../read/show-create';
import { specFor, type ConnectionKind, type Failure } from '../specs';
import { resolveLocation } from '../sql/quote';

/** The kinds with a probe, listed here so that the probes and their clients load only when one runs. */
export const DIAGNOSED_KINDS: readonly ConnectionKind[] = [
  'kafka',
  'confluent-schema-registry',
  'postgres',
  'mysql',
  'ssh-tunnel',
];

/** The `diagnose` input: false turns the probe off; an object gives it what Materialize cannot. */
export interface DiagnoseOptions {
  /** How long the probe may take, in milliseconds (default 5000, 100 to 30000). */
  timeoutMs?: number;
  /** Secret values the probe may use, by secret name (or schema.name, database.schema.name). */
  secrets?: Record<string, string>;
  /** A private key authorized on the SSH bastion, to probe through the connection's SSH tunnel. */
  sshPrivateKey?: string;
}

const KEYS = ['timeoutMs', 'secrets', 'sshPrivateKey'];
export const MAX_BUDGET_MS = 30_000;
/** SQLSTATE of a connection validation failure (materialize-semantics.md §2.1). */
const VALIDATION_FAILED = '58000';

export const ONLY_MATERIALIZE_FAILS =
  "  Materialize fails where this machine passes: look at Materialize's own path (its egress addresses on the " +
  "server's allow-list, PrivateLink, the SSH tunnel's public keys in the bastion's authorized_keys), and at " +
  'secrets whose values in Materialize differ from those given to the probe.';

/** Problems with the `diagnose` input, for `check`. */
export function diagnoseFailures(value: unknown): Failure[] {
  if (value === undefined || value === null || typeof value === 'boolean') return [];
  const fail = (reason: string): Failure[] => [{ property: 'diagnose', reason }];
  if (typeof value !== 'object' || Array.isArray(value))
    return fail('diagnose must be true, false or { timeoutMs?, secrets?, sshPrivateKey? }');
  const o = value as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !KEYS.includes(k));
  if (unknown.length) return fail(`diagnose has no option ${unknown.join(', ')} (it takes ${KEYS.join(', ')})`);
  const t = o.timeoutMs;
  if (t !== undefined && (typeof t !== 'number' || !Number.isInteger(t) || t < 100 || t > MAX_BUDGET_MS))
    return fail(`diagnose.timeoutMs must be an integer from 100 to ${MAX_BUDGET_MS}`);
  const s = o.secrets;
  if (
    s !== undefined &&
    (typeof s !== 'object' || s === null || Array.isArray(s) || Object.values(s).some((v) => typeof v !== 'string'))
  )
    return fail('diagnose.secrets must map secret names to their values (strings)');
  if (o.sshPrivateKey !== undefined && typeof o.sshPrivateKey !== 'string')
    return fail('diagnose.sshPrivateKey must be a private key (PEM or OpenSSH text)');
  return [];
}

function optionsOf(props: Record<string, unknown>): DiagnoseOptions | undefined {
  const d = props.diagnose;
  if (d === false) return undefined;
  return typeof d === 'object' && d !== null ? (d as DiagnoseOptions) : {};
}

/** The values inside `diagnose` that must never appear in a message. */
export function diagnoseSecretValues(props: Record<string, unknown>): string[] {
  const o = optionsOf(props);
  return [...Object.values(o?.secrets ?? {}), ...(o?.sshPrivateKey ? [o.sshPrivateKey] : [])];
}

async function readTunnel(s: Session, ref: ObjectRef, home: Record<string, unknown>) {
  const location = resolveLocation({
    name: ref.name,
    schemaName: ref.schemaName ?? (home.schemaName as string | undefined),
    databaseName: ref.databaseName ?? (home.databaseName as string | undefined),
  });
  const row = await readConnectionRow(s, specFor('ssh-tunnel'), { location });
  if (!row?.createSql) return undefined;
  const o = parseShowCreateConnection(row.createSql, row).options;
  return { host: String(o.host), port: Number(o.port ?? 22), user: String(o.user) };
}

/**
 * When `cause` is Materialize's validation failure of a connection of `kind`, the error with the probe's
 * verdict appended; otherwise (or if the probe itself cannot run) the error unchanged.
 */
export async function withDiagnosis(
  error: MaterializeError,
  cause: unknown,
  kind: ConnectionKind | undefined,
  props: Record<string, unknown>,
  session: Session,
): Promise<MaterializeError> {
  const options = optionsOf(props);
  if (!kind || !options || (cause as { code?: unknown })?.code !== VALIDATION_FAILED) return error;
  if (!DIAGNOSED_KINDS.includes(kind)) return error;
  try {
    // Loaded on the first rejection only: a provider whose connections validate never loads kafkajs, ssh2, mysql2.
    const { DEFAULT_BUDGET_MS, diagnose, formatVerdict, tunnelRefOf } = await import('./index');
    const budgetMs = options.timeoutMs ?? DEFAULT_BUDGET_MS;
    const ref = tunnelRefOf(props);
    const tunnel = ref ? await readTunnel(session, ref, props) : undefined;
    const verdict = await diagnose({
      kind,
      args: props,
      secrets: options.secrets,
      tunnel,
      sshPrivateKey: options.sshPrivateKey,
      budgetMs,
    });
    if (!verdict) return error;
    const text = formatVerdict(verdict) + (verdict.ok ? `\n${ONLY_MATERIALIZE_FAILS}` : '');
    return new MaterializeError(`${error.message}\n\n${text}`, error.code, error.detail, error.hint);
  } catch {
    return error;
  }
}

/** The lifecycle's diagnostics hook (provider/lifecycle/hooks.ts), as provider/dynamic.ts wires it. */
export const diagnosticsHook: DiagnosticsHook = {
  failures: diagnoseFailures,
  secretValues: diagnoseSecretValues,
  explain: withDiagnosis,
};
