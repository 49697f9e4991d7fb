// AwsConnectionRole: the IAM role an AWS connection assumes, made with a trust policy that requires the
// connection's external ID, then validated in Materialize. @aws-sdk/client-iam is loaded by the provider
// only when this resource is used.
import * as pulumi from '@pulumi/pulumi';
import type { MaterializeEndpoint } from '../provider/lifecycle/endpoint';
import type { AwsSettings, RoleConnection } from '../provider/aws-role/inputs';
import { AwsConnection } from './connections';
import { ShimResource } from './shim';

type In<T> = pulumi.Input<T>;

/** An AwsConnection, or where one is (then its identity is read from Materialize's catalog). */
export type RoleConnectionInput = AwsConnection | In<RoleConnection>;

export interface AwsConnectionRoleArgs {
  /**
   * The AwsConnection(s) that assume this role; a list lets one role serve several environments or a
   * blue/green switch. Each must have `assumeRoleArn` = this role's ARN. A connection that is replaced (a
   * new external ID) rewrites the trust policy and is validated again.
   */
  connection: RoleConnectionInput | RoleConnectionInput[];
  /** The role's name (unique in the account). Changing it replaces the role. */
  roleName: In<string>;
  /**
   * Take over a role of this name that already exists in IAM (made outside Pulumi) instead of failing: its
   * path must match; its trust policy is replaced by the one the connections need (any other statement in
   * it is removed) and its settings are converged to these inputs. While set, a delete leaves the role in
   * place (README "Ownership": a forced replacement may have handed it to the new resource). Default false.
   */
  adoptExisting?: In<boolean>;
  /** The role's IAM path, e.g. `/materialize/`. Default `/`. Changing it replaces the role. */
  path?: In<string>;
  /** The role's description. */
  description?: In<string>;
  /** Inline policies: name to policy document (JSON text or an object). What Materialize may do with the role. */
  inlinePolicies?: In<Record<string, In<string | object>>>;
  /** Managed policy ARNs to attach. */
  managedPolicyArns?: In<In<string>[]>;
  /** ARN of the policy that bounds the role's permissions. */
  permissionsBoundary?: In<string>;
  /** Longest session, in seconds (3600 to 43200). Default 3600. */
  maxSessionDuration?: In<number>;
  /** Tags on the role. */
  tags?: In<Record<string, In<string>>>;
  /**
   * Where IAM is: `region`, a shared-config `profile`, or another `endpoint`. Credentials come from the AWS
   * SDK's default chain (environment, profile, SSO, instance role); they are never stored. Changing
   * `profile` or `endpoint` replaces the role (it may be another account).
   */
  aws?: In<AwsSettings>;
  /** Run VALIDATE CONNECTION on each connection after a change of the trust policy. Default true. */
  validate?: In<boolean>;
  /** Seconds to keep retrying VALIDATE CONNECTION while IAM propagates. Default 120. */
  validateTimeout?: In<number>;
  /** Which Materialize runs VALIDATE CONNECTION (as for every resource of this package). Stored as a secret. */
  materialize?: In<MaterializeEndpoint>;
}

const OUTPUTS = [
  'arn',
  'roleId',
  'roleName',
  'path',
  'trustPolicy',
  'connectionIds',
  'externalIds',
  'inlinePolicies',
  'managedPolicyArns',
  'tags',
  'maxSessionDuration',
  'validated',
  'drift',
];

function connectionInput(c: RoleConnectionInput): unknown {
  if (c instanceof AwsConnection)
    return pulumi
      .all([c.name, c.schemaName, c.databaseName, c.connectionId, c.externalId, c.principal])
      .apply(([name, schemaName, databaseName, connectionId, externalId, principal]) => ({
        name,
        schemaName,
        databaseName,
        connectionId,
        externalId,
        principal,
      }));
  return c;
}

/**
 * An IAM role for AWS connections: its trust policy lets exactly the connections' Materialize principals
 * assume it, each only with its own connection's external ID (so no other Materialize customer can), and
 * every connection is validated (`VALIDATE CONNECTION`) once IAM has the policy.
 */
export class AwsConnectionRole extends ShimResource {
  /** The role's ARN. */
  declare readonly arn: pulumi.Output<string>;
  /** IAM's unique ID of the role (AROA...); a role re-made under the same name is not this one. */
  declare readonly roleId: pulumi.Output<string>;
  declare readonly roleName: pulumi.Output<string>;
  declare readonly path: pulumi.Output<string>;
  /** The trust policy IAM holds (JSON, keys sorted). */
  declare readonly trustPolicy: pulumi.Output<string>;
  /** The catalog IDs and external IDs of the connections the trust policy names. */
  declare readonly connectionIds: pulumi.Output<string[]>;
  declare readonly externalIds: pulumi.Output<string[]>;
  /** Whether every connection validated after the last change. */
  declare readonly validated: pulumi.Output<boolean>;
  /** What `pulumi refresh` found changed outside Pulumi (empty when none); the next `pulumi up` puts it back. */
  declare readonly drift: pulumi.Output<string[]>;

  constructor(name: string, args: AwsConnectionRoleArgs, opts?: pulumi.CustomResourceOptions) {
    const connection = Array.isArray(args.connection)
      ? args.connection.map(connectionInput)
      : [connectionInput(args.connection)];
    const props: Record<string, unknown> = { ...args, connection };
    if (props.materialize !== undefined)
      props.materialize = pulumi.secret(props.materialize as In<MaterializeEndpoint>);
    for (const o of OUTPUTS) if (!(o in props)) props[o] = undefined;
    super('aws-connection-role', 'AwsConnectionRole', name, props as pulumi.Inputs, {
      ...opts,
      additionalSecretOutputs: [...new Set([...(opts?.additionalSecretOutputs ?? []), 'materialize'])],
    });
  }
}

export {
  trustPolicyFor,
  trustPolicyForConnections,
  roleArnFor,
  type TrustPolicy,
  type TrustedConnection,
} from '../provider/aws-role/trust-policy';
