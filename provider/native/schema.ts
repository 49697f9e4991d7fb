// The Pulumi package schema of the native provider, built from provider/specs: one resource per class of the
// TypeScript SDK, each connection's inputs from its spec's options (value kinds, enums, secrets, required options)
// and its outputs from its catalog outputs. `npm run schema:gen` writes it to schema/schema.json; the plugin also
// serves it (GetSchema), so the checked-in file and the running provider cannot disagree.
import { SETTING_KEYS, SETTINGS, type SettingKey } from '../lifecycle/endpoint-settings';
import { connectionSpecs, type ConnectionKind, type OptionSpec } from '../specs';
import { CLASSES, PACKAGE, tokenOf } from './tokens';

type Json = Record<string, unknown>;
type Property = Json;

const ref = (name: string): Property => ({ $ref: `#/types/${PACKAGE}:index:${name}` });
const str = (description: string): Property => ({ type: 'string', description });
const int = (description: string): Property => ({ type: 'integer', description });
const bool = (description: string): Property => ({ type: 'boolean', description });
const strings = (description: string): Property => ({ type: 'array', items: { type: 'string' }, description });
const ANY = { $ref: 'pulumi.json#/Any' };

const SETTING_DOCS: Record<SettingKey, string> = {
  host: 'Host name of the Materialize environment. Default `localhost`.',
  port: 'Port of the Materialize SQL endpoint. Default 6875.',
  username: 'The user (or app-password user) to connect as. Default `materialize`.',
  password: 'The password or app password.',
  database: 'The session database. Default `materialize`.',
  sslmode: 'disable, require, verify-ca or verify-full; default verify-full, or disable for a local host.',
  sslrootcert: 'CA certificates (PEM text, or the path of a PEM file) that verify-ca / verify-full trust.',
  connectTimeout: 'Seconds to wait for a new connection (TCP, TLS and authentication); default 30.',
  statementTimeout: "Seconds to wait for one statement's answer; default 300.",
  keepaliveIdle: 'Seconds of idleness before TCP keepalive probes start; default 60.',
  poolSize: 'Connections kept per endpoint by the provider process; default 8.',
};

function settingProperty(key: SettingKey, textNumbers: boolean): Property {
  const rule = SETTINGS[key].rule;
  const numeric = rule === 'port' || rule === 'seconds' || rule === 'count';
  const env = SETTINGS[key].env;
  return {
    type: numeric && !textNumbers ? 'integer' : 'string',
    description: `${SETTING_DOCS[key]} Environment: ${env.join(' or ')}.`,
    ...(rule === 'password' || rule === 'rootcert' ? { secret: true } : {}),
  };
}

const settings = (textNumbers: boolean) =>
  Object.fromEntries(SETTING_KEYS.map((k) => [k, settingProperty(k, textNumbers)]));

const TYPES: Record<string, Json> = {
  ObjectRef: {
    type: 'object',
    description:
      'Where a Secret or connection is. `schemaName` and `databaseName` default to the referencing object’s own.',
    properties: {
      name: str('The object’s name.'),
      schemaName: str('Its schema.'),
      databaseName: str('Its database.'),
    },
    required: ['name'],
  },
  PrivatelinkRef: {
    type: 'object',
    description: '`AWS PRIVATELINK <connection>`, with a port where the type takes one.',
    properties: {
      connection: { ...ref('ObjectRef'), description: 'The AwsPrivatelinkConnection.' },
      port: int('The port on the endpoint service (Kafka only).'),
    },
    required: ['connection'],
  },
  BrokerPrivatelink: {
    type: 'object',
    description: '`USING AWS PRIVATELINK <connection> (AVAILABILITY ZONE ..., PORT ...)` of a broker or broker rule.',
    properties: {
      connection: { ...ref('ObjectRef'), description: 'The AwsPrivatelinkConnection.' },
      availabilityZone: str('The availability zone ID (e.g. `use1-az1`).'),
      port: int('The port on the endpoint service.'),
    },
    required: ['connection'],
  },
  Broker: {
    type: 'object',
    description: 'A Kafka broker with a route of its own.',
    properties: {
      address: str('`host:port` of the broker.'),
      sshTunnel: { ...ref('ObjectRef'), description: 'Reach this broker through this SshTunnelConnection.' },
      awsPrivatelink: { ...ref('BrokerPrivatelink'), description: 'Reach this broker through this PrivateLink.' },
    },
    required: ['address'],
  },
  BrokerRule: {
    type: 'object',
    description:
      '`MATCHING <pattern> USING AWS PRIVATELINK ...`: advertised brokers whose `host:port` matches the pattern are reached through the PrivateLink.',
    properties: {
      matching: str('The pattern, `*` as a leading and/or trailing wildcard.'),
      awsPrivatelink: {
        ...ref('BrokerPrivatelink'),
        description: 'The PrivateLink the matching brokers are reached through.',
      },
    },
    required: ['matching', 'awsPrivatelink'],
  },
  MaterializeEndpoint: {
    type: 'object',
    description: 'Which Materialize to talk to; unset settings fall back to the provider configuration, then MZ_*.',
    properties: settings(false),
  },
  DiagnoseOptions: {
    type: 'object',
    description: 'What the probe of a rejected connection may use.',
    properties: {
      timeoutMs: int('How long the probe may take, in milliseconds (default 5000, 100 to 30000).'),
      secrets: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description: 'Secret values the probe may use, by secret name.',
      },
      sshPrivateKey: str('A private key authorized on the SSH bastion, to probe through the SSH tunnel.'),
      sshHostKeySha256: str('The bastion’s host key (`SHA256:...`).'),
    },
  },
};

function enumName(className: string, arg: string): string {
  return `${className}${arg[0].toUpperCase()}${arg.slice(1)}`;
}

/**
 * The enum's values. The SDK generators name a member after its value with the separators dropped, so two
 * spellings Materialize both accepts (`verify_ca`, `verify-ca`) would be one Python or Go name twice (a
 * TypeError on import, a duplicate constant): the second spelling gets a name that says its separator.
 */
function enumValues(values: readonly string[]): { value: string; name?: string }[] {
  const seen = new Set<string>();
  return [...new Set(values)].map((value) => {
    const key = value.toLowerCase().replace(/[^a-z0-9]/g, '');
    if (!seen.has(key)) {
      seen.add(key);
      return { value };
    }
    const words = value.split(/[^A-Za-z0-9]+/).map((w) => w[0].toUpperCase() + w.slice(1).toLowerCase());
    return { value, name: `${words.join('')}${value.includes('-') ? 'Hyphenated' : 'Underscored'}` };
  });
}

/** The schema property of one option, registering an enum type for a closed list of values. */
function optionProperty(className: string, opt: OptionSpec, types: Record<string, Json>): Property {
  const v = opt.value;
  const doc = opt.preview ? `${opt.doc} Preview: ${opt.preview}.` : opt.doc;
  const base: Property = { description: `\`${opt.keyword}\`: ${doc}` };
  if (opt.sensitive) base.secret = true;
  switch (v.type) {
    case 'text':
      if (v.oneOf) {
        const name = enumName(className, opt.arg);
        types[name] = {
          type: 'string',
          description: `Values of ${className}.${opt.arg}${v.caseSensitive ? '' : ' (any letter case)'}.`,
          enum: enumValues(v.oneOf),
        };
        return { ...base, oneOf: [{ type: 'string' }, ref(name)] };
      }
      return { ...base, type: 'string' };
    case 'secret':
    case 'connection':
      return { ...base, ...ref('ObjectRef') };
    case 'text-or-secret':
      return { ...base, oneOf: [{ type: 'string' }, ref('ObjectRef')] };
    case 'port':
    case 'positive-integer':
      return { ...base, type: 'integer' };
    case 'text-list':
      return { ...base, type: 'array', items: { type: 'string' } };
    case 'privatelink':
      return { ...base, ...ref('PrivatelinkRef') };
    case 'brokers':
      return { ...base, type: 'array', items: { oneOf: [{ type: 'string' }, ref('Broker'), ref('BrokerRule')] } };
  }
}

const OBJECT_INPUTS: Record<string, Property> = {
  name: str('The object’s name in Materialize (any characters; always quoted). Changing it renames in place.'),
  schemaName: str('The schema. Default `public`. Changing it replaces the object.'),
  databaseName: str('The database. Default `materialize`. Changing it replaces the object.'),
  comment: str('COMMENT ON the object; removing it removes the comment.'),
  ownerRole: str('Make this role the owner (ALTER ... OWNER TO). When unset, ownership is not managed.'),
  usage: strings('The roles that must hold USAGE besides the owner; `PUBLIC` for every role. Unset: not managed.'),
  materialize: {
    ...ref('MaterializeEndpoint'),
    secret: true,
    description: 'Which Materialize, when not the provider’s. Changing host, port or database replaces the object.',
  },
  dropCascade: bool('On delete, drop dependents too (DROP ... CASCADE). Default false.'),
  adoptExisting: bool(
    'Take over an object that already exists under this name instead of failing; a delete then leaves it.',
  ),
};

const OBJECT_OUTPUTS: Record<string, Property> = {
  qualifiedName: str('`"database"."schema"."name"`, quoted for SQL.'),
  owner: str('The role that owns it.'),
  plannedSql: strings('The SQL the last `pulumi up` planned for this object (secret values masked).'),
  materializeEndpoint: str('The Materialize (`host:port`) the object lives in.'),
  materializeEnvironment: str('The Materialize environment id (`mz_environment_id()`) the object lives in.'),
};

function resource(
  description: string,
  inputs: Record<string, Property>,
  required: string[],
  outputs: Record<string, Property>,
  alwaysOut: string[],
): Json {
  const properties = { ...inputs, ...outputs };
  return {
    description,
    inputProperties: inputs,
    requiredInputs: required,
    properties,
    required: [...new Set([...required, ...alwaysOut])].sort(),
  };
}

function connectionResource(className: string, kind: ConnectionKind, types: Record<string, Json>): Json {
  const spec = connectionSpecs[kind];
  const inputs: Record<string, Property> = {
    ...OBJECT_INPUTS,
    validate: bool(
      'Rendered as `WITH (VALIDATE = ...)` only when given; Materialize’s per-type default applies otherwise.',
    ),
    diagnose: {
      oneOf: [{ type: 'boolean' }, ref('DiagnoseOptions')],
      secret: true,
      description:
        'When Materialize rejects the connection, probe it from this machine and add the verdict to the error.',
    },
  };
  for (const opt of spec.options) inputs[opt.arg] = optionProperty(className, opt, types);
  for (const t of spec.triggers ?? [])
    inputs[t.arg] = { oneOf: [{ type: 'string' }, { type: 'number' }], description: t.doc };
  const required = ['name', ...spec.required.map((r) => r.arg)];
  const outputs: Record<string, Property> = {
    ...OBJECT_OUTPUTS,
    connectionId: str('The connection’s catalog id (e.g. `u7`); `pulumi import` takes it.'),
    createSql: str('The definition Materialize stores, with references by name.'),
  };
  for (const o of spec.catalogOutputs) outputs[o.output] = str(o.doc);
  for (const o of spec.derivedOutputs ?? []) outputs[o.output] = str(o.doc);
  const description = `A Materialize \`CREATE CONNECTION ... TO ${spec.sqlType}\`.${spec.preview ? ` Preview: ${spec.preview}.` : ''}`;
  return resource(description, inputs, required, outputs, [
    'name',
    'schemaName',
    'databaseName',
    'qualifiedName',
    'owner',
    'plannedSql',
    'materializeEndpoint',
    'connectionId',
  ]);
}

const secretResource = (): Json =>
  resource(
    'A Materialize SECRET, referenced by connections for passwords, keys and tokens.',
    {
      ...OBJECT_INPUTS,
      value: {
        type: 'string',
        secret: true,
        description: 'The secret’s value, sent byte-exact. Materialize never returns it: an import cannot read it.',
      },
    },
    ['name', 'value'],
    { ...OBJECT_OUTPUTS, secretId: str('The secret’s catalog id (e.g. `u12`); `pulumi import` takes it.') },
    ['name', 'schemaName', 'databaseName', 'qualifiedName', 'owner', 'plannedSql', 'materializeEndpoint', 'secretId'],
  );

const ROLE_CONNECTION: Json = {
  type: 'object',
  description: 'An AwsConnection the role serves: where it is (its identity is read from the catalog).',
  properties: {
    name: str('The connection’s name.'),
    schemaName: str('Its schema.'),
    databaseName: str('Its database.'),
  },
  required: ['name'],
};

const AWS_SETTINGS: Json = {
  type: 'object',
  description: 'Where IAM is. Credentials come from the AWS SDK’s default chain; they are never stored.',
  properties: {
    region: str('The AWS region.'),
    profile: str('A shared-config profile. Changing it replaces the role.'),
    endpoint: str('Another IAM endpoint. Changing it replaces the role.'),
  },
};

const roleResource = (): Json =>
  resource(
    'The IAM role AWS connections assume: a trust policy that lets exactly the connections’ Materialize principals assume it, each with its own external ID; every connection validated once IAM has it.',
    {
      connection: {
        type: 'array',
        items: ref('AwsConnectionRoleConnection'),
        description: 'The AwsConnection(s) that assume this role.',
      },
      roleName: str('The role’s name (unique in the account). Changing it replaces the role.'),
      adoptExisting: bool('Take over a role of this name that already exists in IAM instead of failing.'),
      path: str('The role’s IAM path. Default `/`. Changing it replaces the role.'),
      description: str('The role’s description.'),
      inlinePolicies: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description: 'Inline policies: name to policy document (JSON).',
      },
      managedPolicyArns: strings('Managed policy ARNs to attach.'),
      permissionsBoundary: str('ARN of the policy that bounds the role’s permissions.'),
      maxSessionDuration: int('Longest session, in seconds (3600 to 43200). Default 3600.'),
      tags: { type: 'object', additionalProperties: { type: 'string' }, description: 'Tags on the role.' },
      aws: { ...ref('AwsSettings'), description: 'Where IAM is.' },
      validate: bool('Run VALIDATE CONNECTION on each connection after a change of the trust policy. Default true.'),
      validateTimeout: int('Seconds to keep retrying VALIDATE CONNECTION while IAM propagates. Default 120.'),
      materialize: {
        ...ref('MaterializeEndpoint'),
        secret: true,
        description: 'Which Materialize runs VALIDATE CONNECTION.',
      },
    },
    ['connection', 'roleName'],
    {
      arn: str('The role’s ARN.'),
      roleId: str('IAM’s unique ID of the role (AROA...).'),
      trustPolicy: str('The trust policy IAM holds (JSON, keys sorted).'),
      connectionIds: strings('The catalog IDs of the connections the trust policy names.'),
      externalIds: strings('Their external IDs.'),
      validated: bool('Whether every connection validated after the last change.'),
      drift: strings('What `pulumi refresh` found changed outside Pulumi.'),
    },
    ['arn', 'roleId', 'roleName', 'path', 'trustPolicy'],
  );

const SSH_LOGIN: Json = {
  type: 'object',
  description: 'How the operator logs in: the host key pinned, and a private key or the agent.',
  properties: {
    host: str('Address the operator reaches the bastion at.'),
    port: int('Default 22.'),
    user: str('The user to log in as.'),
    hostKeySha256: str('The host key’s fingerprint, `SHA256:...`.'),
    privateKey: { type: 'string', secret: true, description: 'The operator’s private key.' },
    privateKeyPassphrase: { type: 'string', secret: true, description: 'Passphrase of the private key.' },
    agent: {
      oneOf: [{ type: 'boolean' }, { type: 'string' }],
      description: 'Use the SSH agent: true for SSH_AUTH_SOCK, or the socket’s path.',
    },
  },
  required: ['host', 'user', 'hostKeySha256'],
};

const bastionResource = (): Json =>
  resource(
    'Keeps exactly an SSH tunnel connection’s public keys in a managed block of the bastion’s authorized_keys.',
    {
      connection: {
        ...ref('ObjectRef'),
        description: 'The SshTunnelConnection whose keys these are (VALIDATE CONNECTION runs on it).',
      },
      publicKeys: strings('The keys to install (the connection’s publicKey1 and publicKey2).'),
      host: str('The bastion’s address as the operator reaches it.'),
      port: int('Default 22.'),
      user: str('The tunnel user whose authorized_keys is managed.'),
      loginUser: str('The user the operator logs in as; default `user`.'),
      path: str('The authorized_keys file; default `~/.ssh/authorized_keys` of `user`.'),
      blockName: str('Names the managed block; default `<project>/<stack>/<resource name>`.'),
      restrictions: ANY,
      hostKeySha256: str('Host key fingerprint of the bastion (`SHA256:...`).'),
      privateKey: { type: 'string', secret: true, description: 'The operator’s private key. Exclusive with `agent`.' },
      privateKeyPassphrase: { type: 'string', secret: true, description: 'Passphrase of the private key.' },
      agent: {
        oneOf: [{ type: 'boolean' }, { type: 'string' }],
        description: 'Use the SSH agent: true for SSH_AUTH_SOCK, or the socket’s path.',
      },
      jumpHost: { ...ref('SshLogin'), secret: true, description: 'Reach the bastion through this host first.' },
      bootTimeoutSeconds: int('How long to keep retrying while the bastion refuses connections; default 60.'),
      commandTimeoutSeconds: int('The deadline of each command on the bastion; default 120.'),
      validateConnection: bool('After installing, run VALIDATE CONNECTION on the connection.'),
      materialize: {
        ...ref('MaterializeEndpoint'),
        secret: true,
        description: 'Which Materialize VALIDATE CONNECTION runs in.',
      },
    },
    ['publicKeys', 'host', 'user', 'hostKeySha256'],
    {
      installedKeys: strings('The key lines in the managed block after the last update or refresh.'),
      fingerprints: strings('SHA256 fingerprints of the installed keys.'),
    },
    ['installedKeys', 'fingerprints', 'loginUser', 'path', 'port'],
  );

export function buildSchema(version?: string): Json {
  const types: Record<string, Json> = {
    ...TYPES,
    AwsConnectionRoleConnection: ROLE_CONNECTION,
    AwsSettings: AWS_SETTINGS,
    SshLogin: SSH_LOGIN,
  };
  const resources: Record<string, Json> = {};
  for (const [className, kind] of Object.entries(CLASSES)) {
    if (kind === 'secret') resources[tokenOf(className)] = secretResource();
    else if (kind === 'aws-connection-role') resources[tokenOf(className)] = roleResource();
    else if (kind === 'ssh-bastion-authorized-keys') resources[tokenOf(className)] = bastionResource();
    else resources[tokenOf(className)] = connectionResource(className, kind, types);
  }
  const sortedTypes = Object.fromEntries(
    Object.keys(types)
      .sort()
      .map((name) => [`${PACKAGE}:index:${name}`, types[name]]),
  );
  return {
    name: PACKAGE,
    displayName: 'Materialize connections',
    ...(version ? { version } : {}),
    description:
      'Materialize CONNECTION and SECRET objects, their USAGE privileges, the IAM role of AWS connections and SSH bastion keys.',
    keywords: ['pulumi', 'materialize', 'category/database', 'kind/native'],
    license: 'Apache-2.0',
    config: { variables: settings(false) },
    provider: {
      description: 'Where Materialize is. Stack config `materialize-connections:<setting>`, or an explicit provider.',
      inputProperties: settings(false),
    },
    types: sortedTypes,
    resources,
    language: {
      python: { packageName: 'pulumi_materialize_connections', respectSchemaVersion: true },
      go: {
        importBasePath: 'pulumi-materialize-connections/sdk/go/materializeconnections',
        generateResourceContainerTypes: true,
      },
      csharp: { rootNamespace: 'Pulumi.MaterializeConnections', respectSchemaVersion: true },
    },
  };
}
