// The policy pack (policy/PulumiPolicy.yaml runs this through policy/index.js). Each policy's enforcement level
// is its default here and can be changed in the pack's config (`--policy-pack-config <file>`,
// `{ "<policy>": { "enforcementLevel": "advisory" } }`, or `"all"`); the plaintext policies also take
// `allowedHosts`. README "Pipelines" documents both.
import {
  PolicyPack,
  type PolicyConfigSchema,
  type ResourceValidationPolicy,
  type StackValidationPolicy,
} from '@pulumi/policy';
import * as rules from './rules';

const allowedHosts: PolicyConfigSchema = {
  properties: {
    allowedHosts: {
      type: 'array',
      items: { type: 'string' },
      description: 'Hosts that may be reached in plaintext besides loopback ones: exact names or *.suffix.',
    },
  },
};

type Check = (r: rules.ResourceView, config: rules.PlaintextConfig) => string[];

function resourcePolicy(
  name: string,
  description: string,
  enforcementLevel: 'mandatory' | 'advisory',
  check: Check,
  configSchema?: PolicyConfigSchema,
): ResourceValidationPolicy {
  return {
    name,
    description,
    enforcementLevel,
    configSchema,
    validateResource: (args, reportViolation) => {
      const view = { type: args.type, name: args.name, props: args.props as Record<string, unknown> };
      for (const message of check(view, args.getConfig<rules.PlaintextConfig>())) reportViolation(message);
    },
  };
}

const awsRoles: StackValidationPolicy = {
  name: 'aws-connection-role',
  description: 'An AwsConnection that assumes a role has an AwsConnectionRole binding the role to its external ID.',
  enforcementLevel: 'advisory',
  validateStack: (args, reportViolation) => {
    const views = args.resources.map((r) => ({
      type: r.type,
      name: r.name,
      props: r.props as Record<string, unknown>,
    }));
    for (const message of rules.awsConnectionWithoutRole(views)) reportViolation(message);
  },
};

export const policies = [
  resourcePolicy(
    'no-plaintext-kafka',
    'No PLAINTEXT or SASL_PLAINTEXT Kafka to brokers that are not local.',
    'mandatory',
    rules.plaintextKafka,
    allowedHosts,
  ),
  resourcePolicy(
    'no-plaintext-database',
    'No sslMode disable(d) (Materialize default) PostgreSQL, MySQL or SQL Server to hosts that are not local.',
    'mandatory',
    rules.plaintextDatabase,
    allowedHosts,
  ),
  resourcePolicy(
    'no-plaintext-schema-registry',
    'No http:// Confluent Schema Registry on a host that is not local.',
    'mandatory',
    rules.plaintextSchemaRegistry,
    allowedHosts,
  ),
  awsRoles,
  resourcePolicy(
    'ssh-key-rotation',
    'An SshTunnelConnection sets keyRotation.',
    'advisory',
    rules.sshWithoutKeyRotation,
  ),
  resourcePolicy(
    'keep-validation',
    'No validate: false where Materialize validates on CREATE by default.',
    'advisory',
    rules.validationTurnedOff,
  ),
  resourcePolicy('no-drop-cascade', 'No dropCascade: true.', 'advisory', rules.dropCascade),
];

export function serve(): void {
  new PolicyPack('materialize-connections', { policies });
}
