// What differs between a connection (of any kind, from its spec) and a secret, behind one interface
// the generic lifecycle works with.
import { COMMON_ARGS, type SecretArgs } from '../args';
import { alterConnectionSql } from '../alter';
import { normalizeConnectionArgs, normalizeObjectArgs } from '../normalize';
import { postCreateSql, type AlterPlan, type ObjectType } from '../objects';
import { parseShowCreateConnection } from '../read/show-create';
import { createConnectionSql } from '../render';
import { alterSecretSql, createSecretSql } from '../secret';
import { specFor, type Args, type ConnectionKind, type Failure } from '../specs';
import { usageFromCatalog, isManaged } from '../privileges';
import { qualifiedName } from '../sql/quote';
import { validateConnection, validateSecret } from '../validate';
import { materializeError } from './errors';
import {
  humanizeCreateSql,
  readConnectionRow,
  readConnectionRows,
  readConnectionScope,
  readSecretRow,
  readSecretRows,
  readSecretScope,
  type CatalogRow,
  type Lookup,
  type Scope,
} from './catalog';
import type { Session } from './pool';

export interface ObjectAdapter {
  readonly objectType: ObjectType;
  /** The connection kind; absent for secrets. */
  readonly kind?: ConnectionKind;
  /** A short label for messages, e.g. "KAFKA connection". */
  readonly label: string;
  /** The input keys that are SQL arguments (options and common arguments). */
  readonly argKeys: readonly string[];
  /** Whether any change of this argument needs a replacement (used when its new value is not known yet). */
  forcesReplacement(arg: string): boolean;
  validate(news: Args): Failure[];
  normalize(args: Args): Record<string, unknown>;
  createStatements(args: Args): string[];
  alterPlan(olds: Args, news: Args): AlterPlan;
  /** Statements as shown to people: secret values masked. */
  display(statement: string): string;
  readRow(s: Session, lookup: Lookup): Promise<CatalogRow | undefined>;
  /** The rows of these catalog ids, in one SELECT. */
  readRows(s: Session, ids: readonly string[]): Promise<Map<string, CatalogRow>>;
  /** At most `limit` rows of the objects of this kind in one schema, in one SELECT. */
  readScope(s: Session, scope: Scope, limit: number): Promise<CatalogRow[]>;
  /** The arguments the catalog says the object has, in canonical form; `previous` fills what the catalog can't tell. */
  argsFromRow(row: CatalogRow, previous: Args): Record<string, unknown>;
  computedOutputs(row: CatalogRow): Record<string, unknown>;
  /** Values that must never appear in a message. */
  secretValues(inputs: Args): string[];
  /** The trigger arguments (e.g. keyRotation) whose own statement is among `statements`. */
  triggersIn(statements: readonly string[]): string[];
}

const SECRET_VALUE = /decode\('[A-Za-z0-9+/=]*', 'base64'\)/g;

function commonFromRow(row: CatalogRow, previous: Args): Record<string, unknown> {
  return {
    name: row.name,
    schemaName: row.schemaName,
    databaseName: row.databaseName,
    ...(row.comment !== null ? { comment: row.comment } : {}),
    // Ownership is only managed when asked for; otherwise the owner is an output, not drift.
    ...(previous.ownerRole !== undefined && previous.ownerRole !== null ? { ownerRole: row.owner } : {}),
    // Likewise privileges: when managed, the grantees read in the same query, so a hand-made GRANT or REVOKE is drift.
    ...(isManaged(previous.usage) ? { usage: usageFromCatalog(row.usage, row.owner, previous.usage) } : {}),
  };
}

/** Each value, and the form Materialize would store it in if it held a lone surrogate. */
function withWellFormed(values: string[]): string[] {
  return [...new Set(values.flatMap((v) => [v, v.toWellFormed()]))];
}

export function connectionAdapter(kind: ConnectionKind): ObjectAdapter {
  const spec = specFor(kind);
  const sensitiveValues = (inputs: Args): string[] =>
    withWellFormed(
      spec.options.filter((o) => o.sensitive && typeof inputs[o.arg] === 'string').map((o) => inputs[o.arg] as string),
    );
  return {
    objectType: 'connection',
    kind,
    label: `${spec.sqlType} connection`,
    argKeys: [...COMMON_ARGS, ...spec.options.map((o) => o.arg), ...(spec.triggers ?? []).map((t) => t.arg)],
    forcesReplacement: (arg) => {
      if (arg === 'schemaName' || arg === 'databaseName') return true;
      const opt = spec.options.find((o) => o.arg === arg);
      return !!opt && (!spec.optionsAlterable || !opt.alterable);
    },
    validate: (news) => validateConnection(kind, news),
    normalize: (args) => normalizeConnectionArgs(spec, args),
    createStatements: (args) => [createConnectionSql(kind, args), ...postCreateSql('connection', args as never)],
    alterPlan: (olds, news) => alterConnectionSql(kind, olds, news),
    display: (statement) => statement,
    readRow: (s, lookup) => readConnectionRow(s, spec, lookup),
    readRows: (s, ids) => readConnectionRows(s, spec, ids),
    readScope: (s, scope, limit) => readConnectionScope(s, spec, scope, limit),
    argsFromRow(row, previous) {
      let parsed: ReturnType<typeof parseShowCreateConnection>;
      try {
        parsed = parseShowCreateConnection(row.createSql ?? '', row);
      } catch (err) {
        // The reader's message, scrubbed, without the create_sql it carries (it may hold text credentials).
        throw materializeError(
          { message: (err as Error).message },
          `reading the create_sql of ${spec.sqlType} connection ${qualifiedName(row)}`,
          sensitiveValues(previous),
        );
      }
      if (parsed.kind !== kind)
        throw new Error(`${qualifiedName(row)} is a ${parsed.kind} connection in Materialize, not ${kind}`);
      return normalizeConnectionArgs(spec, {
        ...parsed.options,
        ...commonFromRow(row, previous),
        ...(previous.validate !== undefined ? { validate: previous.validate } : {}),
        // The catalog cannot tell a trigger's value: it is what this program last set.
        ...Object.fromEntries(
          (spec.triggers ?? []).filter((t) => previous[t.arg] !== undefined).map((t) => [t.arg, previous[t.arg]]),
        ),
      });
    },
    computedOutputs: (row) => ({
      connectionId: row.id,
      qualifiedName: qualifiedName(row),
      owner: row.owner,
      createSql: humanizeCreateSql(row.createSql ?? ''),
      ...row.details,
    }),
    secretValues: sensitiveValues,
    triggersIn: (statements) =>
      (spec.triggers ?? [])
        .filter((t) => statements.some((st) => st.startsWith('ALTER CONNECTION ') && st.endsWith(` ${t.action}`)))
        .map((t) => t.arg),
  };
}

export const secretAdapter: ObjectAdapter = {
  objectType: 'secret',
  label: 'secret',
  argKeys: ['name', 'schemaName', 'databaseName', 'comment', 'ownerRole', 'usage', 'value'],
  forcesReplacement: (arg) => arg === 'schemaName' || arg === 'databaseName',
  validate: (news) => validateSecret(news),
  normalize: (args) => normalizeObjectArgs(args),
  createStatements: (args) => [
    createSecretSql(args as unknown as SecretArgs),
    ...postCreateSql('secret', args as never),
  ],
  alterPlan: (olds, news) => alterSecretSql(olds as unknown as SecretArgs, news as unknown as SecretArgs),
  display: (statement) => statement.replace(SECRET_VALUE, "'********'"),
  readRow: (s, lookup) => readSecretRow(s, lookup),
  readRows: (s, ids) => readSecretRows(s, ids),
  readScope: (s, scope, limit) => readSecretScope(s, scope, limit),
  // Secret values can never be read back (§4.1): the value is what this program last set.
  argsFromRow: (row, previous) => ({
    ...commonFromRow(row, previous),
    ...(previous.value !== undefined ? { value: previous.value } : {}),
  }),
  computedOutputs: (row) => ({ secretId: row.id, qualifiedName: qualifiedName(row), owner: row.owner }),
  secretValues: (inputs) => (typeof inputs.value === 'string' ? withWellFormed([inputs.value]) : []),
  triggersIn: () => [],
};
