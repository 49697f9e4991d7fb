// `pulumi preview --json` (the CLI's preview digest) read as the plan of this package's resources: per resource
// its operation and the statements the provider planned (`plannedSql`), or the DROP a delete runs. What is secret
// in the digest never leaves this module in clear: a value the digest masks ("[secret]") or wraps in Pulumi's
// secret envelope makes the statements secret, and values that are secret by nature (a Secret's value, the
// endpoint, the probe's inputs, private keys) are masked wherever they would appear in what is printed.
import { dropSql, type ObjectType } from '../../provider/objects';
import { scrub } from '../../provider/lifecycle/errors';
import { qualifiedName } from '../../provider/sql/quote';
import { classOf, connectionKindOf } from '../resource-types';

export type Operation = 'create' | 'update' | 'replace' | 'delete';

/** The statements of one change: known (possibly with `<computed>` parts), secret, unknown, or none at all. */
export type Statements =
  { kind: 'known'; sql: string[] } | { kind: 'secret' } | { kind: 'unknown' } | { kind: 'none'; why: string };

export interface Change {
  operation: Operation;
  /** The class, e.g. KafkaConnection. */
  className: string;
  /** The Pulumi resource name. */
  name: string;
  urn: string;
  /** The inputs whose change forces the replacement. */
  replaceReasons: string[];
  /** What runs for the new object (create, update, replace). */
  statements: Statements;
  /** The DROP of the old object (delete, replace). */
  drop?: string;
  /**
   * Whether the DROP runs before the new statements: a replacement under the same qualified name is
   * delete-before-replace (provider/lifecycle/resource.ts diff); under another, the new object comes first.
   */
  dropFirst: boolean;
}

export interface Plan {
  changes: Change[];
  counts: Record<Operation, number>;
}

/** How the engine writes a value unknown during preview. */
export const UNKNOWN = '04da6b54-80e4-46f7-96ec-b56ff0331ba9';
const MASKED = '[secret]';
const SECRET_SIG = '4dabf18193072939515e22adb298388d';
const SECRET_SIG_VALUE = '1b47061264138c4ac30d75fd1eb44270';

const OPERATIONS: Record<string, Operation> = {
  create: 'create',
  import: 'create',
  update: 'update',
  replace: 'replace',
  'create-replacement': 'replace',
  'delete-replaced': 'replace',
  'discard-replaced': 'replace',
  delete: 'delete',
  discard: 'delete',
};

/** Inputs that are secret whatever the digest says (sdk/base.ts, sdk/aws-role.ts, sdk/bastion.ts). */
const SECRET_BY_NATURE: Record<string, readonly string[]> = {
  '*': ['materialize', 'diagnose'],
  Secret: ['value'],
  SshBastionAuthorizedKeys: ['privateKey'],
};

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface ResourceState {
  type?: string;
  inputs?: Record<string, Json>;
  outputs?: Record<string, Json>;
}
interface Step {
  op?: string;
  urn?: string;
  oldState?: ResourceState;
  newState?: ResourceState;
  replaceReasons?: string[];
}

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEnvelope = (v: unknown): v is Record<string, Json> => isObject(v) && v[SECRET_SIG] === SECRET_SIG_VALUE;
const isSecret = (v: unknown) => v === MASKED || isEnvelope(v);

/** Every string inside a value, envelopes' `plaintext` (JSON text) decoded as well. */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (k === 'plaintext' && typeof x === 'string' && isEnvelope(v)) {
        try {
          strings(JSON.parse(x), out);
        } catch {
          out.push(x);
        }
      }
      strings(x, out);
    }
  }
  return out;
}

/** The secret values a digest holds in clear: inside envelopes anywhere, and in inputs secret by nature. */
function secretValues(digest: unknown, steps: Step[]): string[] {
  const found = new Set<string>();
  const visit = (v: unknown) => {
    if (isEnvelope(v)) for (const s of strings(v)) found.add(s);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (isObject(v)) Object.values(v).forEach(visit);
  };
  visit(digest);
  for (const step of steps)
    for (const state of [step.oldState, step.newState]) {
      const cls = classOf(state?.type ?? '');
      if (cls === undefined) continue;
      for (const key of [...SECRET_BY_NATURE['*'], ...(SECRET_BY_NATURE[cls] ?? [])])
        for (const bag of [state?.inputs, state?.outputs])
          for (const s of strings(bag?.[key])) if (s !== MASKED && s !== UNKNOWN) found.add(s);
    }
  for (const s of [SECRET_SIG, SECRET_SIG_VALUE, MASKED]) found.delete(s);
  return [...found];
}

function objectTypeOf(className: string): ObjectType | undefined {
  if (className === 'Secret') return 'secret';
  return connectionKindOf(`pulumi-nodejs:dynamic/materialize:${className}`) ? 'connection' : undefined;
}

function plannedStatements(state: ResourceState | undefined, className: string): Statements {
  const planned = state?.inputs?.plannedSql ?? state?.outputs?.plannedSql;
  if (objectTypeOf(className) === undefined && planned === undefined)
    return { kind: 'none', why: `${className} is not a Materialize object (no SQL)` };
  if (isSecret(planned) || (Array.isArray(planned) && planned.some(isSecret))) return { kind: 'secret' };
  if (planned === UNKNOWN || planned === undefined || planned === null) return { kind: 'unknown' };
  if (!Array.isArray(planned)) return { kind: 'unknown' };
  return { kind: 'known', sql: planned.map((s) => (s === UNKNOWN ? '<computed>' : String(s))) };
}

const text = (v: unknown) => (typeof v === 'string' && v !== UNKNOWN && !isSecret(v) ? v : undefined);

/** Where the object in `state` lives, if it is a Materialize object with a known name. */
function locationOf(state: ResourceState | undefined, className: string) {
  const o = { ...state?.inputs, ...state?.outputs };
  const name = text(o.name);
  if (objectTypeOf(className) === undefined || name === undefined) return undefined;
  return {
    name,
    schemaName: text(o.schemaName),
    databaseName: text(o.databaseName),
    dropCascade: o.dropCascade === true,
  };
}

/** The provider's DROP for the object in `state` (provider/objects.ts), if it is a Materialize object. */
function dropOf(state: ResourceState | undefined, className: string): string | undefined {
  const location = locationOf(state, className);
  return location && dropSql(objectTypeOf(className)!, location);
}

/**
 * Whether the provider replaces delete-before-create, as its diff decides (provider/lifecycle/resource.ts): the
 * object stays in the same Materialize and its qualified name is the same, or not yet known.
 */
function dropsFirst(olds: ResourceState | undefined, news: ResourceState | undefined, reasons: string[], cls: string) {
  if (reasons.includes('materialize')) return false;
  const n = { ...news?.inputs, ...news?.outputs };
  if ([n.name, n.schemaName, n.databaseName].some((v) => v === UNKNOWN)) return true;
  const [a, b] = [locationOf(olds, cls), locationOf(news, cls)];
  return a !== undefined && b !== undefined && qualifiedName(a) === qualifiedName(b);
}

const ORDER: Operation[] = ['replace', 'create', 'update', 'delete'];

/** Reads a preview digest; throws on anything that is not one, saying what was expected. */
export function readPlan(digest: unknown): Plan {
  if (!isObject(digest) || (digest.steps !== undefined && !Array.isArray(digest.steps)))
    throw new Error('not the JSON of `pulumi preview --json`: expected an object with a "steps" array');
  const steps = (digest.steps ?? []) as Step[];
  const secrets = secretValues(digest, steps);
  const clean = (s: string) => scrub(s, secrets);

  // One change per URN: a replacement can show as several steps.
  const byUrn = new Map<string, { operation: Operation; steps: Step[] }>();
  for (const step of steps) {
    const operation = OPERATIONS[step.op ?? ''];
    const type = step.newState?.type ?? step.oldState?.type ?? '';
    if (operation === undefined || classOf(type) === undefined || typeof step.urn !== 'string') continue;
    const seen = byUrn.get(step.urn);
    if (!seen) byUrn.set(step.urn, { operation, steps: [step] });
    else {
      seen.steps.push(step);
      if (operation === 'replace') seen.operation = 'replace';
    }
  }

  const changes: Change[] = [];
  for (const [urn, { operation, steps: mine }] of byUrn) {
    const newState = mine.map((s) => s.newState).find((s) => s !== undefined);
    const oldState = mine.map((s) => s.oldState).find((s) => s !== undefined);
    const className = classOf(newState?.type ?? oldState?.type ?? '')!;
    let statements: Statements =
      operation === 'delete' ? { kind: 'none', why: 'deleted' } : plannedStatements(newState, className);
    if (statements.kind === 'known') statements = { kind: 'known', sql: statements.sql.map(clean) };
    const drop = operation === 'delete' || operation === 'replace' ? dropOf(oldState, className) : undefined;
    const replaceReasons = [...new Set(mine.flatMap((s) => s.replaceReasons ?? []))];
    const dropFirst = operation === 'delete' || dropsFirst(oldState, newState, replaceReasons, className);
    changes.push({
      operation,
      className,
      name: clean(urn.slice(urn.lastIndexOf('::') + 2)),
      urn: clean(urn),
      replaceReasons: replaceReasons.map(clean),
      statements,
      ...(drop !== undefined ? { drop: clean(drop) } : {}),
      dropFirst,
    });
  }
  // Deterministic (the engine's step order varies with parallelism): by operation, then by URN.
  changes.sort(
    (a, b) => ORDER.indexOf(a.operation) - ORDER.indexOf(b.operation) || (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0),
  );
  const counts = { create: 0, update: 0, replace: 0, delete: 0 };
  for (const c of changes) counts[c.operation]++;
  return { changes, counts };
}
