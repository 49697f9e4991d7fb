// The one lifecycle every managed object goes through (check, diff, create, read, update, delete),
// over an ObjectAdapter. Round trips per operation: create 2 (+1 per OWNER TO / COMMENT), update 2,
// read 1, delete 1, check and diff 0.
import type { Args, Failure } from '../specs';
import { containsUnknown, UNKNOWN } from '../unknown';
import { dropSql } from '../objects';
import { COMPUTED } from '../render';
import { qualifiedName, quoteLiteral, resolveLocation } from '../sql/quote';
import { LIFECYCLE_ARGS } from '../args';
import type { ObjectAdapter } from './adapters';
import type { CatalogRow } from './catalog';
import {
  configureFromStack,
  endpointIdentity,
  endpointProblems,
  resolveEndpoint,
  type MaterializeEndpoint,
} from './endpoint';
import { materializeError, MaterializeError } from './errors';
import { isOutcomeUnknown, withSession, type Session } from './pool';

/** Inputs the lifecycle reads itself; they are never SQL. */
export { LIFECYCLE_ARGS as LIFECYCLE_KEYS } from '../args';
export const PLANNED_SQL = 'plannedSql';

type Props = Record<string, unknown>;

export interface DynamicImpl {
  configure(req: { config: { get(key: string): string | undefined } }): Promise<void>;
  check(olds: Props, news: Props): Promise<{ inputs?: Props; failures?: Failure[] }>;
  diff(
    id: string,
    olds: Props,
    news: Props,
  ): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }>;
  create(inputs: Props): Promise<{ id: string; outs: Props }>;
  read(id: string, props: Props): Promise<{ id?: string; props?: Props; inputs?: Props }>;
  update(id: string, olds: Props, news: Props): Promise<{ outs: Props }>;
  delete(id: string, props: Props): Promise<void>;
}

function pick(o: Props, keys: readonly string[]): Props {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined && o[k] !== null).map((k) => [k, o[k]]));
}

/** Pulumi's struct encoding refuses undefined anywhere (pulumi-dynamic-providers.md §0 item 5). */
export function sanitize<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sanitize) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, sanitize(v)]),
    ) as T;
  }
  return value;
}

/** JSON with object keys sorted: equal values give equal text whatever order their keys arrived in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The object's own name, location, comment and owner with preview placeholders shown as `<computed>`. */
function withPlaceholders(args: Props): Props {
  const shown = { ...args };
  for (const key of ['name', 'schemaName', 'databaseName', 'comment', 'ownerRole'])
    if (containsUnknown(shown[key])) shown[key] = COMPUTED;
  return shown;
}

function lifecycleFailures(news: Props): Failure[] {
  const failures = endpointProblems(news.materialize === UNKNOWN ? undefined : news.materialize).map((reason) => ({
    property: 'materialize',
    reason,
  }));
  for (const key of ['dropCascade', 'adoptExisting'])
    if (news[key] !== undefined && news[key] !== null && news[key] !== UNKNOWN && typeof news[key] !== 'boolean')
      failures.push({ property: key, reason: `${key} must be true or false` });
  return failures;
}

function isAlreadyExists(err: unknown): boolean {
  return /already exists/.test((err as Error)?.message ?? '');
}

function isDependency(err: unknown): boolean {
  return /still depended upon by/.test((err as Error)?.message ?? '');
}

/** The output that records which Materialize (host:port) the object lives in. */
export const ENDPOINT_OUTPUT = 'materializeEndpoint';

export function lifecycle(adapter: ObjectAdapter): DynamicImpl {
  const sqlArgs = (props: Props): Props => pick(props, adapter.argKeys);
  const lifecycleArgs = (props: Props): Props => pick(props, LIFECYCLE_ARGS);
  const endpointOf = (props: Props) => resolveEndpoint(props.materialize as MaterializeEndpoint | undefined);
  const placeOf = (props: Props) => endpointIdentity(endpointOf(props));
  const secretsOf = (props: Props): string[] => {
    const password = (props.materialize as MaterializeEndpoint | undefined)?.password;
    return [...adapter.secretValues(props), ...(password ? [password] : [])];
  };
  /** A statement as people may see it: secret values and sensitive text masked. */
  const shown = (statement: string, props: Props): string =>
    adapter
      .secretValues(props)
      .reduce((sql, value) => sql.split(quoteLiteral(value)).join("'********'"), adapter.display(statement));

  /**
   * The endpoint of an existing object, refusing when the provider's settings now point at another
   * Materialize: catalog ids repeat across environments, so reading, altering or dropping "the same" id
   * or name elsewhere would touch an unrelated object.
   */
  function endpointOfExisting(props: Props) {
    const stored = props[ENDPOINT_OUTPUT];
    const current = placeOf(props);
    if (typeof stored === 'string' && stored !== current)
      throw new MaterializeError(
        `${adapter.label} ${qualifiedName(resolveLocation(sqlArgs(props) as never))} lives in the Materialize at ` +
          `${stored}, but the settings now point at ${current}. Restore materialize:host/port (or MZ_HOST/MZ_PORT, or ` +
          "the resource's materialize input) to reach it, or remove it from the stack with `pulumi state delete`.",
      );
    return endpointOf(props);
  }

  async function run(s: Session, statement: string, props: Props): Promise<void> {
    try {
      await s.query(statement);
    } catch (err) {
      throw materializeError(err, shown(statement, props), secretsOf(props));
    }
  }

  async function readBack(s: Session, props: Props, lookup: Parameters<ObjectAdapter['readRow']>[1]) {
    try {
      return await adapter.readRow(s, lookup);
    } catch (err) {
      throw materializeError(
        err,
        `reading ${adapter.label} ${qualifiedName(resolveLocation(props as never))}`,
        secretsOf(props),
      );
    }
  }

  function outputs(inputs: Props, row: CatalogRow): Props {
    const computed = adapter.computedOutputs(row);
    if (typeof computed.createSql === 'string') computed.createSql = shown(computed.createSql, inputs);
    return sanitize({ ...inputs, ...computed, [ENDPOINT_OUTPUT]: placeOf(inputs) });
  }

  /** What the catalog says the object is now, as outputs (after a failure part-way). */
  function actualOutputs(inputs: Props, row: CatalogRow): Props {
    return outputs({ ...inputs, ...adapter.argsFromRow(row, sqlArgs(inputs)) }, row);
  }

  /**
   * The statements this change will run, as people should see them in `pulumi preview`. A replacement
   * shows the CREATE of the new object: the engine checks a replacement again with no old inputs, and
   * shows the deletion itself.
   */
  function plannedSql(olds: Props, news: Props): string[] {
    const after = withPlaceholders(sqlArgs(news)) as Args;
    if (olds.name !== undefined) {
      const plan = adapter.alterPlan(sqlArgs(olds), after);
      if (plan.replaces.length === 0) return plan.statements.map((st) => shown(st, news));
    }
    return adapter.createStatements(after).map((st) => shown(st, news));
  }

  return {
    async configure(req) {
      configureFromStack(req);
    },

    async check(olds, news) {
      const failures = [...adapter.validate(news), ...lifecycleFailures(news)];
      if (failures.length) return { inputs: news, failures };
      const inputs: Props = { ...news, ...adapter.normalize(sqlArgs(news)) };
      // COMMENT ... IS '' leaves no comment, so '' is kept as "no comment" (it would read back as absent).
      if (inputs.comment === '') delete inputs.comment;
      inputs[PLANNED_SQL] = plannedSql(olds, inputs);
      return { inputs: sanitize(inputs) };
    },

    async diff(_id, olds, news) {
      const oldArgs = adapter.normalize(sqlArgs(olds));
      const newArgs = sqlArgs(news);
      const replaces: string[] = [];
      let changes = false;
      // Another Materialize (host or port) is another place: the object is created there. An endpoint not
      // known yet during preview is shown as an update.
      const storedPlace = typeof olds[ENDPOINT_OUTPUT] === 'string' ? olds[ENDPOINT_OUTPUT] : placeOf(olds);
      if (!containsUnknown(news.materialize) && placeOf(news) !== storedPlace) replaces.push('materialize');
      if (containsUnknown(newArgs)) {
        // Preview: a placeholder in a replace-forcing property is a replacement, anywhere else an update;
        // the known part is diffed as usual, with the unknown arguments held at their old values.
        const unknownKeys = Object.keys(newArgs).filter((k) => containsUnknown(newArgs[k]));
        const held = Object.fromEntries(unknownKeys.filter((k) => k in oldArgs).map((k) => [k, oldArgs[k]]));
        const known = Object.fromEntries(Object.entries(newArgs).filter(([k]) => !unknownKeys.includes(k)));
        replaces.push(...adapter.alterPlan(oldArgs, { ...known, ...held }).replaces);
        replaces.push(...unknownKeys.filter((k) => adapter.forcesReplacement(k)));
        changes = true;
      } else {
        const plan = adapter.alterPlan(oldArgs, newArgs);
        replaces.push(...plan.replaces);
        changes = plan.statements.length > 0;
      }
      const lifecycleChanged =
        canonicalJson(lifecycleArgs(olds)) !== canonicalJson(lifecycleArgs(news)) || olds.validate !== news.validate;
      changes = changes || replaces.length > 0 || lifecycleChanged;
      const sameName =
        !replaces.includes('materialize') &&
        (containsUnknown([news.name, news.schemaName, news.databaseName]) ||
          qualifiedName(resolveLocation(oldArgs as never)) === qualifiedName(resolveLocation(newArgs as never)));
      return { changes, replaces: [...new Set(replaces)], deleteBeforeReplace: replaces.length > 0 && sameName };
    },

    async create(inputs) {
      const args = sqlArgs(inputs);
      const location = resolveLocation(args as never);
      return withSession(endpointOf(inputs), async (s) => {
        let row = inputs.adoptExisting === true ? await readBack(s, inputs, { location }) : undefined;
        if (row) {
          // Adoption: converge the existing object to the inputs. Nothing is known from an earlier run, so
          // what the catalog cannot tell (a secret's value, the owner) is set anyway.
          const plan = adapter.alterPlan(adapter.argsFromRow(row, {}), args);
          if (plan.replaces.length)
            throw new MaterializeError(
              `cannot adopt ${adapter.label} ${qualifiedName(location)}: ${plan.replaces.join(', ')} differ from the inputs and Materialize cannot change them in place; drop it or align the inputs`,
            );
          for (const statement of plan.statements) await run(s, statement, inputs);
          // Already as wanted: the row just read is the object's state, no second read needed.
          if (plan.statements.length > 0) row = undefined;
        } else {
          const [create, ...after] = adapter.createStatements(args);
          try {
            await s.query(create);
          } catch (err) {
            if (isAlreadyExists(err))
              throw materializeError(
                err,
                `${adapter.label} ${qualifiedName(location)} already exists and is not managed by this stack; set adoptExisting: true to take it over, or choose another name`,
                secretsOf(inputs),
              );
            const failed = materializeError(
              err,
              `creating ${adapter.label} ${qualifiedName(location)}`,
              secretsOf(inputs),
            );
            // The CREATE may have committed: look on a fresh connection and hand Pulumi whatever is there.
            const made = isOutcomeUnknown(err)
              ? await adapter.readRow(s, { location }).catch(() => undefined)
              : undefined;
            if (made)
              throw Object.assign(failed, {
                id: made.id,
                properties: actualOutputs(inputs, made),
                reasons: [failed.message],
              });
            throw failed;
          }
          try {
            for (const statement of after) await run(s, statement, inputs);
          } catch (err) {
            // Never leave an untracked object: undo the CREATE, or hand Pulumi the object as it is.
            try {
              await s.query(dropSql(adapter.objectType, location));
            } catch {
              const partial = await adapter.readRow(s, { location }).catch(() => undefined);
              if (partial)
                throw Object.assign(err as Error, {
                  id: partial.id,
                  properties: actualOutputs(inputs, partial),
                  reasons: [(err as Error).message],
                });
            }
            throw err;
          }
        }
        row ??= await readBack(s, inputs, { location });
        if (!row)
          throw new MaterializeError(
            `${adapter.label} ${qualifiedName(location)} was created but cannot be found in the catalog`,
          );
        return { id: row.id, outs: outputs(inputs, row) };
      });
    },

    async read(id, props) {
      return withSession(endpointOfExisting(props), async (s) => {
        const row = await readBack(s, props, { id });
        if (!row) return {};
        const args = adapter.argsFromRow(row, sqlArgs(props));
        const inputs = sanitize({ ...lifecycleArgs(props), ...args });
        return { id: row.id, props: outputs({ ...inputs, [PLANNED_SQL]: props[PLANNED_SQL] }, row), inputs };
      });
    },

    async update(id, olds, news) {
      const plan = adapter.alterPlan(adapter.normalize(sqlArgs(olds)), sqlArgs(news));
      if (plan.replaces.length)
        throw new MaterializeError(
          `internal error: update asked for a change that needs replacement (${plan.replaces.join(', ')})`,
        );
      if (plan.statements.length === 0) {
        const computed = Object.fromEntries(
          Object.entries(olds).filter(([k]) => !(k in news) && !adapter.argKeys.includes(k) && k !== PLANNED_SQL),
        );
        return { outs: sanitize({ ...computed, ...news }) };
      }
      return withSession(endpointOfExisting({ ...news, [ENDPOINT_OUTPUT]: olds[ENDPOINT_OUTPUT] }), async (s) => {
        let done = 0;
        try {
          for (const statement of plan.statements) {
            await run(s, statement, news);
            done++;
          }
        } catch (err) {
          // Some statements ran (a RENAME, say): give Pulumi the object as it now is, so the next run
          // plans from there instead of repeating what already happened.
          const row =
            done > 0 || isOutcomeUnknown(err) ? await adapter.readRow(s, { id }).catch(() => undefined) : undefined;
          // Nothing is known to have applied: what the catalog cannot tell (a secret's value) stays as it was.
          const known = done > 0 ? news : { ...news, ...sqlArgs(olds) };
          if (row)
            throw Object.assign(err as Error, {
              id,
              properties: actualOutputs(known, row),
              reasons: [(err as Error).message],
            });
          throw err;
        }
        const row = await readBack(s, news, { id });
        if (!row)
          throw new MaterializeError(
            `${adapter.label} ${qualifiedName(resolveLocation(news as never))} disappeared during the update`,
          );
        return { outs: outputs(news, row) };
      });
    },

    async delete(_id, props) {
      const location = resolveLocation(sqlArgs(props) as never);
      const statement = dropSql(adapter.objectType, { ...location, dropCascade: props.dropCascade === true });
      await withSession(endpointOfExisting(props), async (s) => {
        try {
          await s.query(statement);
        } catch (err) {
          if (isDependency(err)) {
            // Materialize's message, DETAIL, HINT and SQLSTATE, with what to do about it in Pulumi terms.
            const e = err as { message: string; code?: string; detail?: string; hint?: string };
            throw materializeError(
              {
                ...e,
                message:
                  `${e.message}. Remove or re-point the dependent objects first, or set dropCascade: true on ` +
                  'this resource to drop them with it (DROP ... CASCADE)',
              },
              `cannot delete ${adapter.label} ${qualifiedName(location)}`,
              secretsOf(props),
            );
          }
          throw materializeError(err, statement, secretsOf(props));
        }
      });
    },
  };
}
