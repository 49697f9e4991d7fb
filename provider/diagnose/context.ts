// What one probe works with: the connection's arguments, the secret values the user gave the probe
// (Materialize never returns them), the tunnel, and the clean-ups to run when the budget ends.
import type { ObjectRef } from '../args';
import { DEFAULT_DATABASE, DEFAULT_SCHEMA } from '../sql/quote';
import { tlsHandshake } from './net';
import type { Tunnel } from './tunnel';
import { ProbeFailure, type Recorder } from './verdict';

/** The SQL names of the TLS options every kind with TLS shares, for messages. */
export const TLS_NAMES = { ca: 'SSL CERTIFICATE AUTHORITY', cert: 'SSL CERTIFICATE' };

export interface ProbeContext {
  readonly rec: Recorder;
  readonly args: Readonly<Record<string, unknown>>;
  readonly tunnel?: Tunnel;
  readonly budgetMs: number;
  /** The text of a text-or-secret argument; undefined when it names a secret the probe was not given. */
  text(arg: string): string | undefined;
  /** Whether the argument is set (as text or as a secret reference). */
  has(arg: string): boolean;
  /** How to name the argument in a message: `SASL PASSWORD (secret "kafka_pw")`. */
  describe(arg: string, keyword: string): string;
  onCleanup(fn: () => unknown): void;
}

/**
 * Secret values by name. A key may be the secret's name, `schema.name` or `database.schema.name`; the most
 * qualified match wins. A reference's schema and database default to the connection's own.
 */
export type SecretValues = Readonly<Record<string, string>>;

export function secretValue(
  ref: ObjectRef,
  secrets: SecretValues,
  home: { schemaName?: string; databaseName?: string },
): string | undefined {
  const schema = ref.schemaName ?? home.schemaName ?? DEFAULT_SCHEMA;
  const database = ref.databaseName ?? home.databaseName ?? DEFAULT_DATABASE;
  for (const key of [`${database}.${schema}.${ref.name}`, `${schema}.${ref.name}`, ref.name])
    if (Object.prototype.hasOwnProperty.call(secrets, key)) return secrets[key];
  return undefined;
}

function isRef(v: unknown): v is ObjectRef {
  return typeof v === 'object' && v !== null && typeof (v as ObjectRef).name === 'string';
}

export function makeContext(
  rec: Recorder,
  args: Readonly<Record<string, unknown>>,
  secrets: SecretValues,
  budgetMs: number,
  tunnel?: Tunnel,
): ProbeContext & { cleanup(): void } {
  const cleanups: (() => unknown)[] = [];
  const home = {
    schemaName: args.schemaName as string | undefined,
    databaseName: args.databaseName as string | undefined,
  };
  return {
    rec,
    args,
    tunnel,
    budgetMs,
    text(arg) {
      const v = args[arg];
      if (typeof v === 'string') return v;
      if (isRef(v)) return secretValue(v, secrets, home);
      return undefined;
    },
    has: (arg) => args[arg] !== undefined && args[arg] !== null,
    describe(arg, keyword) {
      const v = args[arg];
      return isRef(v) ? `${keyword} (secret "${v.name}")` : keyword;
    },
    onCleanup: (fn) => cleanups.push(fn),
    cleanup() {
      for (const fn of cleanups.splice(0)) {
        try {
          const r = fn();
          if (r instanceof Promise) r.catch(() => undefined);
        } catch {
          // a clean-up after a timeout may find the client half-closed
        }
      }
    },
  };
}

/** Records that a credential could not be checked because its secret was not given to the probe. */
export function missingSecret(ctx: ProbeContext, arg: string, keyword: string): boolean {
  if (!ctx.has(arg) || ctx.text(arg) !== undefined) return false;
  ctx.rec.skip(
    `${keyword}`,
    `${ctx.describe(arg, keyword)} was not given to the probe (Materialize never returns secret values): pass it to check this`,
  );
  return true;
}

/** What a connection's SSL MODE asks of TLS: none, encryption only, the certificate chain, or chain and host name. */
export type TlsCheck = 'none' | 'encrypt' | 'chain' | 'full';

/**
 * SSL MODE as Materialize reads it (materialize-semantics.md §1.10): PostgreSQL `require`/`required` encrypt without
 * verifying, `verify-ca` checks the chain without the host name, `verify-full` both; MySQL `required`/`require`,
 * `verify-ca`, `verify-identity` likewise. `-` and `_` are the same; MySQL's names ignore case, PostgreSQL's do not.
 */
const SSL_MODES: Record<'postgres' | 'mysql', Record<string, TlsCheck>> = {
  postgres: { disable: 'none', require: 'encrypt', required: 'encrypt', 'verify-ca': 'chain', 'verify-full': 'full' },
  mysql: { disabled: 'none', required: 'encrypt', require: 'encrypt', 'verify-ca': 'chain', 'verify-identity': 'full' },
};

/** The TLS check of the connection's SSL MODE; a mode Materialize would refuse is a configuration failure. */
export function tlsCheckOf(kind: 'postgres' | 'mysql', mode: string): TlsCheck {
  const spelled = (kind === 'mysql' ? mode.toLowerCase() : mode).replace(/_/g, '-');
  const check = SSL_MODES[kind][spelled];
  if (check === undefined)
    throw new ProbeFailure(
      'configuration',
      `SSL MODE "${mode}" is not one Materialize accepts for ${kind === 'mysql' ? 'MySQL' : 'PostgreSQL'}`,
      `use one of ${Object.keys(SSL_MODES[kind]).join(', ')}`,
    );
  return check;
}

/** The connection's CA, client certificate and key, as far as the probe was given them. */
export function tlsFiles(ctx: ProbeContext): { ca?: string; cert?: string; key?: string } {
  return { ca: ctx.text('sslCertificateAuthority'), cert: ctx.text('sslCertificate'), key: ctx.text('sslKey') };
}

/** The TLS step with the connection's own options, noting the secrets the probe was not given. */
export async function checkTls(ctx: ProbeContext, host: string, port: number): Promise<void> {
  missingSecret(ctx, 'sslCertificateAuthority', TLS_NAMES.ca);
  missingSecret(ctx, 'sslKey', 'SSL KEY');
  await tlsHandshake(ctx.rec, host, port, { ...tlsFiles(ctx), verify: true }, TLS_NAMES, ctx.tunnel);
}
