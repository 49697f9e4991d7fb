// The one lifecycle every managed object goes through (check, diff, create, read, update, delete),
// over an ObjectAdapter. Round trips per operation: create 2 (+1 per OWNER TO / COMMENT; +1 to name what holds
// the name after "already exists"), update 3, read 1 (or a share of one: reads that wait for a session go out
// together, batch.ts), delete 2 (+1 connection and environment id at the recorded
// address when the settings now reach another environment), check 0, diff 0 (1 when the Materialize address
// changed), and once per pool the environment id (pool.ts).
import { specFor, type Args, type ConnectionKind, type Failure } from '../specs';
import { containsUnknown, UNKNOWN } from '../unknown';
import { dropSql } from '../objects';
import { usageFromCatalog, usageTakenOn } from '../privileges';
import { COMPUTED } from '../render';
import { qualifiedName, resolveLocation, type ObjectLocation } from '../sql/quote';
import { LIFECYCLE_ARGS, SECRET_INPUTS } from '../args';
import { scrubRendered } from '../scrub';
import { secretInputValues } from './secret-inputs';
import type { ObjectAdapter } from './adapters';
import { readNameHolder, type CatalogRow, type NameHolder } from './catalog';
import {
  configureFromStack,
  endpointIdentity,
  endpointProblems,
  resolveEndpoint,
  type MaterializeEndpoint,
} from './endpoint';
import { materializeError, MaterializeError } from './errors';
import type { DiagnosticsHook } from './hooks';
import { readById, type ShapeReader } from './batch';
import { isOutcomeUnknown, withSession, type Session } from './pool';

/** Inputs the lifecycle reads itself; they are never SQL. */
export { LIFECYCLE_ARGS as LIFECYCLE_KEYS } from '../args';
export const PLANNED_SQL = 'plannedSql';
/**
 * Inputs the SDK sends only so that the engine marks the outputs of the same key secret when any argument
 * they quote was a secret (it marks secretness by key: pulumi-engine-findings.md A3). Their values mean nothing.
 */
export const SECRET_TAINTS = [PLANNED_SQL, 'createSql'] as const;

/** The taints of a kind: SECRET_TAINTS, and each catalog output that repeats an argument (its spec's `echoes`). */
export function secretTaintsOf(kind: ConnectionKind | undefined): string[] {
  const echoing = kind
    ? specFor(kind)
        .catalogOutputs.filter((o) => o.echoes?.length)
        .map((o) => o.output)
    : [];
  return [...SECRET_TAINTS, ...echoing];
}

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

function lifecycleFailures(news: Props, diagnostics: DiagnosticsHook): Failure[] {
  const failures = endpointProblems(news.materialize === UNKNOWN ? undefined : news.materialize).map((reason) => ({
    property: 'materialize',
    reason,
  }));
  for (const key of ['dropCascade', 'adoptExisting'])
    if (news[key] !== undefined && news[key] !== null && news[key] !== UNKNOWN && typeof news[key] !== 'boolean')
      failures.push({ property: key, reason: `${key} must be true or false` });
  if (news.diagnose !== UNKNOWN) failures.push(...diagnostics.failures(news.diagnose));
  return failures;
}

function isAlreadyExists(err: unknown): boolean {
  return /already exists/.test((err as Error)?.message ?? '');
}

/**
 * Ownership (README "Ownership"): an object adopted with adoptExisting may be held by two resources at once: a
 * replacement the engine forces (`up --replace`, taint, replacementTrigger) creates the new resource, which adopts
 * the object, before it deletes the old one; and that delete may run in a later provider process (a failed
 * dependent, a `--target` run, a crash), which knows nothing of this one. Neither check nor create can tell such a
 * replacement from a first adoption (`--replace` checks with no old inputs and skips diff). So a resource whose
 * state says adoptExisting never drops its object on delete, unless this process's diff planned that resource's
 * replacement (the one delete whose create is known not to adopt the object: delete-before-replace under the same
 * name, or a new place). Memory can only allow a drop here, never cause a loss.
 */
const replacementsPlanned = new Set<string>();
/** Objects a create of this process made or adopted, by environment and catalog id: never adopted twice. */
const takenHere = new Set<string>();
/**
 * Objects a create of this process adopted: the delete of a resource that did not ask for adoption (it was
 * turned on together with a forced replacement) leaves them too, within this process (README "Ownership", limits).
 */
const adoptedHere = new Set<string>();
/**
 * Places whose address changed through the stack config or MZ_* since the last run (address/name, with the
 * old address), until a diff has asked the new address whether it is the same Materialize. A create there
 * before that (a forced replacement: the engine skips diff) cannot know where the old object lives.
 */
const unconfirmedMoves = new Map<string, string>();

/** The refusal of an operation whose object lives in another environment than the settings now reach. */
class ElsewhereError extends MaterializeError {}

function isDependency(err: unknown): boolean {
  return /still depended upon by/.test((err as Error)?.message ?? '');
}

/** The Materialize address (host:port) the settings gave when the object was last checked. */
export const ENDPOINT_OUTPUT = 'materializeEndpoint';
/** The output that records which Materialize environment (`mz_environment_id()`) the object lives in. */
export const ENVIRONMENT_OUTPUT = 'materializeEnvironment';

export function lifecycle(adapter: ObjectAdapter, diagnostics: DiagnosticsHook): DynamicImpl {
  const sqlArgs = (props: Props): Props => pick(props, adapter.argKeys);
  const lifecycleArgs = (props: Props): Props => pick(props, LIFECYCLE_ARGS);
  const endpointOf = (props: Props) => resolveEndpoint(props.materialize as MaterializeEndpoint | undefined);
  const placeOf = (props: Props) => endpointIdentity(endpointOf(props));
  const shapeReader: ShapeReader = {
    shape: adapter.kind ?? 'secret',
    byIds: adapter.readRows,
    byScope: adapter.readScope,
  };
  /** host:port as the resource's own `materialize` input gives them, without config or environment. */
  const endpointInputPlace = (props: Props): string => {
    const given = (props.materialize ?? {}) as MaterializeEndpoint;
    return `${given.host ?? ''}:${given.port ?? ''}`;
  };
  const secretsOf = (props: Props): string[] => {
    const password = (props.materialize as MaterializeEndpoint | undefined)?.password;
    return [
      ...adapter.secretValues(props),
      ...secretInputValues(props),
      ...(password ? [password] : []),
      ...diagnostics.secretValues(props),
    ];
  };
  /** A statement as people may see it: every secret value (spec-sensitive or given as a secret) masked. */
  const shown = (statement: string, props: Props): string =>
    scrubRendered(adapter.display(statement), secretsOf(props));

  const nameOf = (props: Props) => qualifiedName(resolveLocation(sqlArgs(props) as never));
  /** An object's place in memory of this process: the address it is reached at, and its name. */
  const placeKey = (address: string, props: Props) => `${address}/${nameOf(props)}`;

  function livesElsewhere(props: Props, stored: string, current: string): MaterializeError {
    return new ElsewhereError(
      `${adapter.label} ${nameOf(props)} lives in the Materialize at ${stored}, but the settings now point at ` +
        `${current}. Restore materialize:host/port (or MZ_HOST/MZ_PORT, or the resource's materialize input) to ` +
        'reach it, or remove it from the stack with `pulumi state delete`.',
    );
  }

  /**
   * Runs `fn` in the Materialize an existing object lives in, refusing when the settings now reach another
   * environment: catalog ids and names repeat across environments, so reading, altering or dropping "the same"
   * id or name elsewhere would touch an unrelated object. The environment id decides, not the address's
   * spelling; a state written before the environment was recorded has only the address to compare.
   */
  async function withExisting<T>(props: Props, fn: (s: Session) => Promise<T>): Promise<T> {
    const endpoint = endpointOf(props);
    const current = endpointIdentity(endpoint);
    refuseRecordedAddressChange(props, current);
    return withSession(endpoint, async (s) => {
      refuseOtherEnvironment(props, s.environmentId, current);
      return fn(s);
    });
  }

  /** Without a recorded environment, only the address (`current`, host:port) can tell: another address is another Materialize. */
  function refuseRecordedAddressChange(props: Props, current: string): void {
    const stored = props[ENDPOINT_OUTPUT];
    if (typeof props[ENVIRONMENT_OUTPUT] !== 'string' && typeof stored === 'string' && stored !== current)
      throw livesElsewhere(props, stored, current);
  }

  /** The session, reached at `current` (host:port), reached `environmentId`: refused unless the object lives there. */
  function refuseOtherEnvironment(props: Props, environmentId: string, current: string): void {
    const recorded = props[ENVIRONMENT_OUTPUT];
    if (typeof recorded !== 'string') return;
    if (recorded !== environmentId)
      throw livesElsewhere(
        props,
        `${String(props[ENDPOINT_OUTPUT] ?? '?')} (environment ${recorded})`,
        `${current} (environment ${environmentId})`,
      );
    // The address now given reaches the object's environment (a delete-before-replace's delete, say).
    unconfirmedMoves.delete(placeKey(current, props));
  }

  /**
   * The settings with the host and port the object was last reached at (`materializeEndpoint`), for a delete
   * whose settings now reach another environment; undefined when the state recorded no usable address.
   */
  function recordedEndpoint(props: Props) {
    const stored = props[ENDPOINT_OUTPUT];
    if (typeof stored !== 'string') return undefined;
    const colon = stored.lastIndexOf(':');
    const port = Number(stored.slice(colon + 1));
    if (colon <= 0 || !Number.isInteger(port) || port <= 0) return undefined;
    const own = (props.materialize ?? {}) as MaterializeEndpoint;
    return resolveEndpoint({ ...own, host: stored.slice(0, colon), port });
  }

  /**
   * `withExisting` for a delete: when the settings now reach another environment (a forced replacement after a
   * change of materialize:host/port in config created the new object there: the engine skips diff, which
   * refuses such a move, and its create cannot see the old address), the object is dropped where the state
   * recorded it, at its recorded address with the current credentials, once that address proves to reach the
   * recorded environment. Everything it needs is in the state, so a later process finishes the replacement alike.
   */
  async function withOwnEnvironment<T>(props: Props, fn: (s: Session) => Promise<T>): Promise<T> {
    try {
      return await withExisting(props, fn);
    } catch (err) {
      const recorded = props[ENVIRONMENT_OUTPUT];
      const there = recordedEndpoint(props);
      if (!(err instanceof ElsewhereError) || typeof recorded !== 'string' || !there) throw err;
      let reached: string | undefined;
      try {
        return await withSession(there, async (s) => {
          reached = s.environmentId;
          if (s.environmentId !== recorded) throw err;
          return fn(s);
        });
      } catch (second) {
        if (second === err || reached !== undefined) throw second;
        throw new MaterializeError(
          `${err.message} Dropping it where it was recorded (${String(props[ENDPOINT_OUTPUT])}) failed too: ` +
            `${(second as Error).message}`,
        );
      }
    }
  }

  /**
   * Whether the settings in `news` reach the environment `olds` recorded, by asking it (one connection, one
   * round trip, only when the address changed). Without a recorded environment, a changed address is taken as
   * another Materialize, as before the environment was recorded.
   */
  async function sameEnvironment(olds: Props, news: Props, from: string): Promise<boolean> {
    const recorded = olds[ENVIRONMENT_OUTPUT];
    if (typeof recorded !== 'string') return false;
    try {
      return (await withSession(endpointOf(news), async (s) => s.environmentId)) === recorded;
    } catch (err) {
      throw new MaterializeError(
        `${adapter.label} ${nameOf(olds)} lives in the Materialize at ${from} (environment ${recorded}); the settings ` +
          `now give ${placeOf(news)}, and whether that is the same Materialize cannot be told without reaching it: ` +
          `${(err as Error).message}`,
      );
    }
  }

  async function run(s: Session, statement: string, props: Props): Promise<void> {
    try {
      await s.query(statement);
    } catch (err) {
      // A validation failure gets the probe's verdict appended (the diagnostics hook).
      throw await diagnostics.explain(
        materializeError(err, shown(statement, props), secretsOf(props)),
        err,
        adapter.kind,
        props,
        s,
        secretsOf(props),
      );
    }
  }

  async function readBack(s: Session, props: Props, lookup: Parameters<ObjectAdapter['readRow']>[1]) {
    try {
      return await adapter.readRow(s, lookup);
    } catch (err) {
      throw readFailed(err, props);
    }
  }

  /** A catalog read that failed, as the user reads it: which object, scrubbed of its secrets. */
  function readFailed(err: unknown, props: Props): MaterializeError {
    return materializeError(
      err,
      `reading ${adapter.label} ${qualifiedName(resolveLocation(props as never))}`,
      secretsOf(props),
    );
  }

  /**
   * This create's CREATE succeeded (the object at that name is its own), then reading its catalog id failed (a
   * lost connection, a refused read), so Pulumi cannot be handed the object: undo it, or say exactly what is left.
   */
  async function undoUnreadCreate(s: Session, location: ObjectLocation, lost: Error): Promise<Error> {
    const what = `${adapter.label} ${qualifiedName(location)}`;
    try {
      await s.query(dropSql(adapter.objectType, location));
      return new MaterializeError(
        `${what} was created, then ${lost.message}; it was dropped again, so nothing is left`,
      );
    } catch (err) {
      const failed = materializeError(err, 'dropping it again', []);
      return new MaterializeError(
        `${what} was created, but reading its catalog id failed and ${failed.message}: it exists in Materialize ` +
          'and not in the state. The next `pulumi up` reports that it already exists: then set adoptExisting: true ' +
          'on this resource for one `pulumi up` (README "After a killed `pulumi up`"), or drop it by hand.',
      );
    }
  }

  function outputs(inputs: Props, row: CatalogRow, s: Pick<Session, 'environmentId'>): Props {
    const computed = adapter.computedOutputs(row);
    if (typeof computed.createSql === 'string') computed.createSql = shown(computed.createSql, inputs);
    return sanitize({
      ...inputs,
      ...computed,
      [ENDPOINT_OUTPUT]: placeOf(inputs),
      [ENVIRONMENT_OUTPUT]: s.environmentId,
    });
  }

  /**
   * What the catalog says the object is now, as outputs (after a failure part-way): the SQL arguments come
   * from the row alone, so nothing that was not applied is recorded as done; `previous` supplies only what the
   * catalog cannot tell (a secret's value, whether the owner is managed, validate).
   */
  function actualOutputs(inputs: Props, row: CatalogRow, previous: Props, s: Session): Props {
    const notSql = Object.fromEntries(Object.entries(inputs).filter(([k]) => !adapter.argKeys.includes(k)));
    return outputs({ ...notSql, ...adapter.argsFromRow(row, previous) }, row, s);
  }

  /** Whether `holder` is an object of this resource's own type (the only kind adoptExisting can take over). */
  function isOwnKind(holder: NameHolder): boolean {
    return adapter.kind
      ? holder.type === 'connection' && holder.connectionType === specFor(adapter.kind).catalogType
      : holder.type === 'secret';
  }

  /** A name held by an object of another type: what holds it, and what to do; adoptExisting cannot help. */
  function heldByOther(props: Props, holder: NameHolder): MaterializeError {
    const what = `the ${holder.connectionType ? `${holder.connectionType} connection` : holder.type}`;
    return new MaterializeError(
      `${adapter.label} ${nameOf(props)} cannot be created: the name is held by ${what} (catalog id ${holder.id}), ` +
        `not by a ${adapter.label}` +
        (props.adoptExisting === true ? ', and adoptExisting takes over only an object of the same type' : '') +
        '. Nothing was changed. Give this resource another `name` (or `schemaName`), or drop or rename that ' +
        'object in Materialize if it is not needed, then run `pulumi up` again',
    );
  }

  /** The object's catalog row, found by its old name, when it is still the object with this id. */
  async function ownRow(s: Session, id: string, props: Props): Promise<CatalogRow | undefined> {
    const row = await readBack(s, props, { location: resolveLocation(sqlArgs(props) as never) });
    return row?.id === id ? row : undefined;
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

  /**
   * Nothing changes: the stored plan (the SQL of the last change) is kept. An empty plan here would make every
   * unchanged resource's inputs differ from the state's, and the engine writes the whole snapshot for each such
   * resource during a preview (quadratic in the stack's size).
   */
  function unchanged(olds: Props, news: Props): boolean {
    if (olds.name === undefined || olds[PLANNED_SQL] === undefined) return false;
    // The provider module's text (`__provider`) is not the object's: a new version of this package plans nothing.
    const { [PLANNED_SQL]: _old, __provider: _oldModule, ...before } = olds;
    const { [PLANNED_SQL]: _new, __provider: _newModule, ...after } = news;
    return canonicalJson(sanitize(before)) === canonicalJson(sanitize(after));
  }

  /** `check` with old inputs: a change of address that comes from config or MZ_* waits for a diff to confirm it. */
  function noteExisting(olds: Props, news: Props, address: string): void {
    const before = typeof olds[ENDPOINT_OUTPUT] === 'string' ? (olds[ENDPOINT_OUTPUT] as string) : address;
    const ownInputUnchanged = canonicalJson(olds.materialize ?? null) === canonicalJson(news.materialize ?? null);
    if (before !== address && ownInputUnchanged) unconfirmedMoves.set(placeKey(address, news), before);
  }

  return {
    async configure(req) {
      configureFromStack(req);
    },

    async check(olds, news) {
      const taints = secretTaintsOf(adapter.kind);
      const given = Object.fromEntries(Object.entries(news).filter(([k]) => ![...taints, SECRET_INPUTS].includes(k)));
      const failures = [...adapter.validate(given), ...lifecycleFailures(given, diagnostics)];
      if (failures.length) return { inputs: news, failures };
      const inputs: Props = { ...given, ...adapter.normalize(sqlArgs(given)) };
      if (news[SECRET_INPUTS] !== undefined) inputs[SECRET_INPUTS] = news[SECRET_INPUTS];
      delete inputs[ENVIRONMENT_OUTPUT];
      if (containsUnknown(given.materialize)) delete inputs[ENDPOINT_OUTPUT];
      else {
        // The address the settings give now, recorded with the inputs, so that the next check sees a change of
        // address that comes from the stack config or MZ_* (the resource's own input does not show it).
        const address = placeOf(given);
        inputs[ENDPOINT_OUTPUT] = address;
        if (olds.name !== undefined) noteExisting(olds, inputs, address);
      }
      for (const key of taints) if (key in news) inputs[key] = '';
      // COMMENT ... IS '' leaves no comment, so '' is kept as "no comment" (it would read back as absent).
      if (inputs.comment === '') delete inputs.comment;
      inputs[PLANNED_SQL] = unchanged(olds, inputs) ? olds[PLANNED_SQL] : plannedSql(olds, inputs);
      return { inputs: sanitize(inputs) };
    },

    async diff(_id, olds, news) {
      const oldArgs = adapter.normalize(sqlArgs(olds));
      const newArgs = sqlArgs(news);
      const replaces: string[] = [];
      let changes = false;
      // Another Materialize environment is another place: the object is created there. Another spelling of
      // the address of the same environment (127.0.0.1 for localhost, say) is not: it is recorded, nothing
      // more. An endpoint not known yet during preview is shown as an update.
      const storedPlace = typeof olds[ENDPOINT_OUTPUT] === 'string' ? olds[ENDPOINT_OUTPUT] : placeOf(olds);
      const newPlace = containsUnknown(news.materialize) ? undefined : placeOf(news);
      const addressChanged = newPlace !== undefined && newPlace !== storedPlace;
      if (addressChanged && (await sameEnvironment(olds, news, storedPlace)))
        unconfirmedMoves.delete(placeKey(newPlace, news));
      else if (addressChanged) {
        // Only the resource's own `materialize` input moves an object. A move that comes from the stack config
        // or the environment would be half-applied: the creates run in the new place, then every delete of the
        // old objects is refused there (pulumi-engine-findings.md A4).
        if (endpointInputPlace(olds) === endpointInputPlace(news))
          throw new MaterializeError(
            `${adapter.label} ${nameOf(olds)} lives in the Materialize at ` +
              `${storedPlace}, but the settings now point at ${newPlace}, and the change comes from ` +
              'materialize:host/port in the stack config or MZ_HOST/MZ_PORT, not from this resource. Pulumi cannot move ' +
              'objects between Materialize environments through config: restore the settings; or, to move this ' +
              'object, set its `materialize` input to the new place (that replaces it); or, to forget it, run `pulumi state delete`.',
          );
        unconfirmedMoves.delete(placeKey(newPlace, news));
        replaces.push('materialize');
      }
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
      // Leaving ownership or privileges unmanaged sends no SQL, but the state must stop recording them. Taking
      // privileges on may send none either (`usage: []` with no grants known), but from then on the state must
      // record them, or a GRANT made by hand is never seen as drift.
      const given = (v: unknown) => v !== undefined && v !== null;
      const released = ['ownerRole', 'usage'].some((k) => given(olds[k]) && !given(news[k]));
      changes =
        changes || replaces.length > 0 || lifecycleChanged || released || usageTakenOn(olds, news) || addressChanged;
      if (replaces.length > 0) replacementsPlanned.add(placeKey(String(storedPlace), olds));
      const sameName =
        !replaces.includes('materialize') &&
        (containsUnknown([news.name, news.schemaName, news.databaseName]) ||
          qualifiedName(resolveLocation(oldArgs as never)) === qualifiedName(resolveLocation(newArgs as never)));
      return { changes, replaces: [...new Set(replaces)], deleteBeforeReplace: replaces.length > 0 && sameName };
    },

    async create(inputs) {
      const args = sqlArgs(inputs);
      const location = resolveLocation(args as never);
      const here = placeKey(placeOf(inputs), inputs);
      const movedFrom = unconfirmedMoves.get(here);
      if (movedFrom !== undefined)
        throw new MaterializeError(
          `${adapter.label} ${qualifiedName(location)} was last reached at ${movedFrom}; the stack config or MZ_* now ` +
            `give ${placeOf(inputs)}, and this replacement skipped the provider's diff (\`pulumi up --replace\`, ` +
            '`--target-replace`, `pulumi state taint`, `replacementTrigger`, `replaceOnChanges` are planned by the ' +
            'engine alone), so whether the old object lives there is not known. Nothing was created. Run `pulumi up` ' +
            'without forcing a replacement first: it records the new address if it reaches the same Materialize and ' +
            'refuses if it does not; then force the replacement again.',
        );
      return withSession(endpointOf(inputs), async (s) => {
        let created = false;
        let row = inputs.adoptExisting === true ? await readBack(s, inputs, { location }) : undefined;
        if (row && row.type !== undefined && adapter.kind && row.type !== specFor(adapter.kind).catalogType)
          throw heldByOther(inputs, { id: row.id, type: 'connection', connectionType: row.type });
        if (row) {
          if (takenHere.has(`${s.environmentId}/${row.id}`))
            throw new MaterializeError(
              `cannot adopt ${adapter.label} ${qualifiedName(location)} (catalog id ${row.id}): another resource of ` +
                'this run created or adopted it. Two resources must not name one object. Nothing was changed',
            );
          // Adoption: converge the existing object to the inputs. Nothing is known from an earlier run, so
          // what the catalog cannot tell (a secret's value, the owner) is set anyway.
          // Privileges managed: the adopted object's grants are read too, so the plan revokes those not listed.
          const plan = adapter.alterPlan(adapter.argsFromRow(row, { usage: args.usage }), args);
          if (plan.replaces.length)
            throw new MaterializeError(
              `cannot adopt ${adapter.label} ${qualifiedName(location)}: ${plan.replaces.join(', ')} differ from the inputs and Materialize cannot change them in place; drop it or align the inputs`,
            );
          takenHere.add(`${s.environmentId}/${row.id}`);
          adoptedHere.add(`${s.environmentId}/${row.id}`);
          for (const statement of plan.statements) await run(s, statement, inputs);
          // Already as wanted: the row just read is the object's state, no second read needed.
          if (plan.statements.length > 0) row = undefined;
        } else {
          const [create, ...after] = adapter.createStatements(args);
          try {
            await s.query(create);
            created = true;
          } catch (err) {
            // Another type under the name: adoptExisting cannot help, so the error says what is there instead.
            const holder = isAlreadyExists(err) ? await readNameHolder(s, location).catch(() => undefined) : undefined;
            if (holder && !isOwnKind(holder)) throw heldByOther(inputs, holder);
            if (isAlreadyExists(err))
              throw materializeError(
                err,
                `${adapter.label} ${qualifiedName(location)} already exists and is not managed by this resource. ` +
                  'If this is a replacement Pulumi started itself under the same name (`pulumi up --replace`, ' +
                  '`--target-replace`, `pulumi state taint`, `replacementTrigger`), those create the new object before ' +
                  'deleting the old one: set the resource option `deleteBeforeReplace: true` on it. If the resource had ' +
                  'adoptExisting: true until now, its delete leaves the object in place: set adoptExisting: true ' +
                  'again for one `pulumi up` to take it back, then remove it. Otherwise set adoptExisting: true to ' +
                  'take the object over, or choose another name',
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
                properties: actualOutputs(inputs, made, args, s),
                reasons: [failed.message],
              });
            throw await diagnostics.explain(failed, err, adapter.kind, inputs, s, secretsOf(inputs));
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
                  properties: actualOutputs(inputs, partial, args, s),
                  reasons: [(err as Error).message],
                });
            }
            throw err;
          }
        }
        try {
          row ??= await readBack(s, inputs, { location });
        } catch (err) {
          if (!created) throw err;
          throw await undoUnreadCreate(s, location, err as Error);
        }
        if (!row)
          throw new MaterializeError(
            `${adapter.label} ${qualifiedName(location)} was created but cannot be found in the catalog`,
          );
        takenHere.add(`${s.environmentId}/${row.id}`);
        return { id: row.id, outs: outputs(inputs, row, s) };
      });
    },

    async read(id, props) {
      const endpoint = endpointOf(props);
      const current = endpointIdentity(endpoint);
      refuseRecordedAddressChange(props, current);
      // Read with the other reads of this kind that wait for a session, or read ahead in a refresh (batch.ts).
      const { databaseName, schemaName } = resolveLocation(sqlArgs(props) as never);
      const scope = typeof databaseName === 'string' && typeof schemaName === 'string';
      const { environmentId, row, failed } = await readById(
        endpoint,
        shapeReader,
        id,
        scope ? { databaseName, schemaName } : undefined,
      );
      refuseOtherEnvironment(props, environmentId, current);
      if (failed !== undefined) throw readFailed(failed, props);
      if (!row) return {};
      const args = adapter.argsFromRow(row, sqlArgs(props));
      const inputs = sanitize({ ...lifecycleArgs(props), ...args, [ENDPOINT_OUTPUT]: props[ENDPOINT_OUTPUT] });
      const carried = { [PLANNED_SQL]: props[PLANNED_SQL], [SECRET_INPUTS]: props[SECRET_INPUTS] };
      return {
        id: row.id,
        props: outputs({ ...inputs, ...carried }, row, { environmentId }),
        inputs: sanitize({ ...inputs, [SECRET_INPUTS]: props[SECRET_INPUTS] }),
      };
    },

    async update(id, olds, news) {
      const before = adapter.normalize(sqlArgs(olds));
      let plan = adapter.alterPlan(before, sqlArgs(news));
      if (plan.replaces.length)
        throw new MaterializeError(
          `internal error: update asked for a change that needs replacement (${plan.replaces.join(', ')})`,
        );
      const takesUsageOn = usageTakenOn(olds, news);
      if (plan.statements.length === 0 && !takesUsageOn) {
        // What the catalog computed stays as it was; every input takes its new value.
        const notInputs = new Set<string>([
          ...adapter.argKeys,
          ...LIFECYCLE_ARGS,
          PLANNED_SQL,
          SECRET_INPUTS,
          ENDPOINT_OUTPUT,
        ]);
        const computed = Object.fromEntries(Object.entries(olds).filter(([k]) => !notInputs.has(k)));
        return { outs: sanitize({ ...news, ...computed }) };
      }
      const recorded = { [ENDPOINT_OUTPUT]: olds[ENDPOINT_OUTPUT], [ENVIRONMENT_OUTPUT]: olds[ENVIRONMENT_OUTPUT] };
      return withExisting({ ...news, ...recorded }, async (s) => {
        // ALTER addresses the object by name: make sure the name still is this object (pulumi-engine-findings.md A7).
        const current = await ownRow(s, id, olds);
        if (!current)
          throw new MaterializeError(
            `${adapter.label} ${qualifiedName(resolveLocation(sqlArgs(olds) as never))} is no longer the object this ` +
              `resource manages (catalog id ${id}): it was dropped, renamed or re-created outside Pulumi. Nothing was ` +
              'changed. Run `pulumi refresh` to see what is there, then `pulumi up` again',
          );
        // Privileges managed from now on: the plan starts from the grants the object holds (the row just read),
        // so that the list given is what holds USAGE afterwards, not the list plus grants made before.
        if (takesUsageOn)
          plan = adapter.alterPlan(
            { ...before, usage: usageFromCatalog(current.usage, current.owner, news.usage) },
            sqlArgs(news),
          );
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
          // What the catalog cannot tell (a secret's value, the first statement of its plan) is recorded as set
          // only once a statement is known to have applied; until then the next run sends it again. A trigger
          // (keyRotation) is recorded as fired only when its own statement ran.
          const unfired = (args: Props): Props => {
            const fired = adapter.triggersIn(plan.statements.slice(0, done));
            const pending = adapter.triggersIn(plan.statements).filter((t) => !fired.includes(t));
            return { ...args, ...Object.fromEntries(pending.map((t) => [t, olds[t]])) };
          };
          if (row)
            throw Object.assign(err as Error, {
              id,
              properties: actualOutputs(
                news,
                row,
                done > 0 ? unfired(sqlArgs(news)) : { ...sqlArgs(olds), ownerRole: news.ownerRole ?? olds.ownerRole },
                s,
              ),
              reasons: [(err as Error).message],
            });
          throw err;
        }
        // Nothing sent (usage taken on, no grant to change): the row read for the id check is the object's state.
        const row = plan.statements.length === 0 ? current : await readBack(s, news, { id });
        if (!row)
          throw new MaterializeError(
            `${adapter.label} ${qualifiedName(resolveLocation(news as never))} disappeared during the update`,
          );
        return { outs: outputs(news, row, s) };
      });
    },

    async delete(id, props) {
      const location = resolveLocation(sqlArgs(props) as never);
      const statement = dropSql(adapter.objectType, { ...location, dropCascade: props.dropCascade === true });
      const recordedPlace = typeof props[ENDPOINT_OUTPUT] === 'string' ? props[ENDPOINT_OUTPUT] : placeOf(props);
      // Possibly held by another resource now (see replacementsPlanned): left in place, never dropped.
      if (props.adoptExisting === true && !replacementsPlanned.has(placeKey(String(recordedPlace), props))) return;
      await withOwnEnvironment(props, async (s) => {
        if (adoptedHere.has(`${s.environmentId}/${id}`)) return;
        // DROP addresses the object by name: drop it only while the name is still this object (A7). Gone, or
        // another object under the name, means there is nothing of this resource's left to drop.
        if (!(await ownRow(s, id, props))) return;
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
                  'this resource and run `pulumi up` once before deleting it (a delete uses the settings of the ' +
                  'last `pulumi up`), to drop them with it (DROP ... CASCADE). If Pulumi is replacing it with the ' +
                  'resource option `deleteBeforeReplace` and the new object has another name, take that option off: ' +
                  'the new object is then created first, the dependents are pointed at it, and this one is dropped last',
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
