// What every Materialize object resource shares: location, comment, owner, endpoint, the planned SQL,
// and the conversion of resource references into plain `{ name, schemaName, databaseName }` inputs.
import * as pulumi from '@pulumi/pulumi';
import { LIFECYCLE_ARGS, SECRET_INPUTS, type ObjectRef } from '../provider/args';
import type { MaterializeEndpoint } from '../provider/lifecycle/endpoint';
import { connectionSpecs, type ConnectionKind, type OptionSpec } from '../provider/specs';
import { ShimResource } from './shim';

/** A reference to a Secret or connection: the resource itself, or where it is. */
export type ObjectRefInput = MaterializeObject | pulumi.Input<ObjectRef>;

/** Arguments every Materialize object takes. */
export interface ObjectArgs {
  /** The object's name in Materialize (any characters; always quoted). Changing it renames in place. */
  name: pulumi.Input<string>;
  /** The schema. Default `public`. Changing it replaces the object (Materialize has no SET SCHEMA). */
  schemaName?: pulumi.Input<string>;
  /** The database. Default `materialize`. Changing it replaces the object. */
  databaseName?: pulumi.Input<string>;
  /** COMMENT ON the object; removing it removes the comment. */
  comment?: pulumi.Input<string>;
  /** Make this role the owner (ALTER ... OWNER TO). When unset, ownership is not managed. */
  ownerRole?: pulumi.Input<string>;
  /**
   * The roles that must hold USAGE on the object (`GRANT USAGE ... TO`), e.g. the team that creates
   * sources with a connection; `PUBLIC` for every role. Only differences are sent on update, and a GRANT or
   * REVOKE made by hand shows as drift. Unset: privileges are not managed. `[]`: nobody but the owner.
   */
  usage?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Which Materialize to talk to, for programs that manage several environments or regions. Unset
   * settings fall back to the `materialize:*` stack config, then `MZ_*` environment variables. Stored as
   * a secret. Changing host, port or database replaces the object (it lives elsewhere).
   */
  materialize?: pulumi.Input<MaterializeEndpoint>;
  /** On delete, drop dependents too (DROP ... CASCADE). Default false: a delete with dependents fails and names them. */
  dropCascade?: pulumi.Input<boolean>;
  /**
   * Take over an object that already exists under this name, converging it to these inputs, instead of
   * failing with "already exists" (dynamic resources cannot be imported with `pulumi import`). While set, a
   * delete leaves the object in place, since a forced replacement may have handed it to the new resource (README
   * "Ownership"); turn it off and `pulumi up` to have a later delete drop it.
   */
  adoptExisting?: pulumi.Input<boolean>;
}

/** The common base of Secret and every connection resource. */
export abstract class MaterializeObject extends ShimResource {
  /** The object's name. */
  declare readonly name: pulumi.Output<string>;
  /** The schema it lives in. */
  declare readonly schemaName: pulumi.Output<string>;
  /** The database it lives in. */
  declare readonly databaseName: pulumi.Output<string>;
  /** `"database"."schema"."name"`, quoted for SQL. */
  declare readonly qualifiedName: pulumi.Output<string>;
  /** The role that owns it. */
  declare readonly owner: pulumi.Output<string>;
  /** Its comment, if any. */
  declare readonly comment: pulumi.Output<string | undefined>;
  /** The roles holding USAGE besides the owner, when `usage` is managed (sorted). */
  declare readonly usage: pulumi.Output<string[] | undefined>;
  /** The SQL the last `pulumi up` planned for this object (secret values masked); `pulumi preview` shows the next. */
  declare readonly plannedSql: pulumi.Output<string[]>;
  /** The Materialize (`host:port`) the object lives in; later operations refuse to run against another. */
  declare readonly materializeEndpoint: pulumi.Output<string>;
}

// Location and comment too: a resource property exists only for keys in props, and toRef() needs all three
// location outputs even when the user left schemaName/databaseName to their defaults.
const COMMON_OUTPUTS = [
  'name',
  'schemaName',
  'databaseName',
  'comment',
  'usage',
  'qualifiedName',
  'owner',
  'plannedSql',
  'materializeEndpoint',
];

/**
 * The names of the inputs whose value is (or holds) a secret Output, known even while their values are not.
 * Lifecycle arguments are left out: the provider masks their secrets (the password, the probe's) itself, and
 * masking every host and database name of a secret `materialize` input would blank most messages.
 */
async function secretInputKeys(props: pulumi.Inputs): Promise<string[]> {
  const lifecycle = new Set<string>([...LIFECYCLE_ARGS, SECRET_INPUTS]);
  // A plain string, number or boolean holds no Output, so it is not secret: no Output is made for it (every
  // Output costs the program a captured stack trace, and most inputs are plain).
  const keys = Object.keys(props).filter(
    (k) => props[k] !== undefined && props[k] !== null && typeof props[k] === 'object' && !lifecycle.has(k),
  );
  const secret = await Promise.all(keys.map((k) => pulumi.isSecret(pulumi.output(props[k]))));
  return keys.filter((_k, i) => secret[i]).sort();
}

/** A resource reference as the plain data the provider takes; the Output carries the dependency. */
export function toRef(value: unknown): unknown {
  if (value instanceof MaterializeObject)
    return pulumi
      .all([value.name, value.schemaName, value.databaseName])
      .apply(([name, schemaName, databaseName]) => ({ name, schemaName, databaseName }));
  return value;
}

function mapObject(value: unknown, fn: (o: Record<string, unknown>) => Record<string, unknown>): unknown {
  if (value === undefined || value === null || pulumi.Output.isInstance(value)) return value;
  return typeof value === 'object' && !Array.isArray(value) ? fn(value as Record<string, unknown>) : value;
}

function convertOption(opt: OptionSpec, value: unknown): unknown {
  switch (opt.value.type) {
    case 'secret':
    case 'connection':
    case 'text-or-secret':
      return toRef(value);
    case 'privatelink':
      return mapObject(value, (pl) => ({ ...pl, connection: toRef(pl.connection) }));
    case 'brokers':
      if (!Array.isArray(value)) return value;
      return value.map((b) =>
        mapObject(b, (broker) => ({
          ...broker,
          sshTunnel: toRef(broker.sshTunnel),
          awsPrivatelink: mapObject(broker.awsPrivatelink, (pl) => ({ ...pl, connection: toRef(pl.connection) })),
        })),
      );
    default:
      return value;
  }
}

/** Resource references inside option values become plain references, driven by the spec's value kinds. */
export function connectionProps(kind: ConnectionKind, args: object): pulumi.Inputs {
  const spec = connectionSpecs[kind];
  const props: Record<string, unknown> = { ...args };
  for (const opt of spec.options) if (opt.arg in props) props[opt.arg] = convertOption(opt, props[opt.arg]);
  return props as pulumi.Inputs;
}

/**
 * A placeholder input that makes the engine mark the output of its key secret: a secret '' when `value` is (or holds)
 * a secret, else nothing (not sent: a placeholder that marks nothing would only be stored twice per resource).
 */
export function secretMark(value: pulumi.Input<unknown>): Promise<pulumi.Output<string> | undefined> {
  return pulumi.isSecret(pulumi.output(value)).then((secret) => (secret ? pulumi.secret('') : undefined));
}

export function registerObject(
  kind: ConnectionKind | 'secret',
  type: string,
  name: string,
  props: pulumi.Inputs,
  outputs: readonly string[],
  secretOutputs: readonly string[],
  opts: pulumi.CustomResourceOptions | undefined,
): [string, string, string, pulumi.Inputs, pulumi.CustomResourceOptions] {
  const all: Record<string, unknown> = { ...props };
  if (all.materialize !== undefined)
    all.materialize = pulumi.secret(all.materialize as pulumi.Input<MaterializeEndpoint>);
  // The probe's secret values and SSH key.
  if (all.diagnose !== undefined && typeof all.diagnose !== 'boolean') all.diagnose = pulumi.secret(all.diagnose);
  for (const o of [...COMMON_OUTPUTS, ...outputs]) if (!(o in all)) all[o] = undefined;
  // plannedSql and createSql quote the arguments. The engine marks a value secret by its key, and only when
  // the program sent that key as a secret (pulumi-engine-findings.md A3), so both keys go out as placeholders
  // that are secret exactly when an argument is whose value the provider does not mask itself.
  // Lifecycle arguments (the endpoint, the probe's secrets, ...) never appear in SQL; masked options are masked.
  // The placeholder is a known value, secret or not, sent as a promise: an Output that is both unknown and secret
  // goes out as a plain unknown with @pulumi/pulumi up to 3.259, and would lose the mark exactly in the preview
  // where an input is not known yet.
  // A placeholder that is not secret marks nothing, and is not sent: every input property is stored twice
  // per resource and rewritten with the whole checkpoint after every step.
  const masked = new Set<string>([...LIFECYCLE_ARGS, ...secretOutputs]);
  const quoted = pulumi.output(Object.fromEntries(Object.entries(props).filter(([k]) => !masked.has(k))));
  const taint = secretMark(quoted);
  for (const key of ['plannedSql', 'createSql']) if (key in all) all[key] = taint;
  // Which inputs the program gave as secrets (none: not sent): the engine hands them to the provider unmarked,
  // and the provider masks their values in every message (provider/lifecycle/secret-inputs.ts).
  all[SECRET_INPUTS] = secretInputKeys(props).then((keys) => (keys.length ? keys : undefined));
  const options: pulumi.CustomResourceOptions = {
    ...opts,
    additionalSecretOutputs: [
      ...new Set([
        ...(opts?.additionalSecretOutputs ?? []),
        'materialize',
        ...(kind === 'secret' ? [] : ['diagnose']),
        ...secretOutputs,
      ]),
    ],
  };
  return [kind, type, name, all as pulumi.Inputs, options];
}
