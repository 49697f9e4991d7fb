// The canary program's plan: every option that can carry a secret, in every resource type, with a distinct
// canary given as a Pulumi secret in code (never from stack config, whose values the engine masks in all output
// and would hide a leak). The options come from provider/specs: a new option that can carry a secret is
// planned by the variants below or fails `uncoveredOptions`, so it cannot go unchecked.
import { connectionSpecs, type ConnectionKind, type OptionSpec } from '../../provider/specs';
import { CLASS } from '../../scripts/options-doc';
import type { Canary } from './search';

/** How an option takes a value that can be a secret, or why it cannot carry one. */
export type Carrier = 'text' | 'text-or-secret' | 'secret' | { none: string };

export function carrierOf(o: OptionSpec): Carrier {
  const v = o.value;
  switch (v.type) {
    case 'text':
      return v.oneOf ? { none: `one of the keywords ${v.oneOf.join(', ')}` } : 'text';
    case 'text-list':
    case 'brokers':
      return 'text';
    case 'text-or-secret':
      return 'text-or-secret';
    case 'secret':
      return 'secret';
    case 'port':
    case 'positive-integer':
      return { none: 'a number' };
    case 'connection':
    case 'privatelink':
      return { none: 'a reference to another connection, by name' };
    default: {
      const never: never = v;
      throw new Error(`canary plan: no carrier for value kind ${JSON.stringify(never)}`);
    }
  }
}

/** `kind.arg` of every option that can carry a secret, from the specs. */
export function secretCarryingOptions(): string[] {
  return Object.values(connectionSpecs).flatMap((s) =>
    s.options.filter((o) => typeof carrierOf(o) === 'string').map((o) => `${s.kind}.${o.arg}`),
  );
}

/**
 * A connection of one kind with a set of options that Materialize accepts together. `'{}'` is a canary in free
 * text (quotes, slashes, non-ASCII: every encoding differs from the raw value); any other string with `{}` is a
 * canary token in a shape the option needs (a host, an ARN). Options of type secret get a Secret with a canary.
 * `{ $ref }` refers to another planned resource.
 */
export interface Variant {
  readonly kind: ConnectionKind;
  readonly key: string;
  readonly args: Readonly<Record<string, unknown>>;
}

const TLS = { sslCertificateAuthority: '{}', sslCertificate: '{}', sslKey: '{}' };

export const VARIANTS: readonly Variant[] = [
  {
    kind: 'aws',
    key: 'aws_keys',
    args: {
      endpoint: 'https://{}.example.com',
      region: '{}',
      accessKeyId: '{}',
      secretAccessKey: '{}',
      sessionToken: '{}',
    },
  },
  {
    kind: 'aws',
    key: 'aws_role',
    args: { region: '{}', assumeRoleArn: 'arn:aws:iam::123456789012:role/{}', assumeRoleSessionName: '{}' },
  },
  {
    kind: 'aws-privatelink',
    key: 'privatelink',
    args: { serviceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-{}', availabilityZones: ['{}'] },
  },
  {
    kind: 'kafka',
    key: 'kafka',
    args: {
      brokers: ['{}.example.com:9092'],
      saslMechanisms: 'PLAIN',
      saslUsername: '{}',
      saslPassword: '{}',
      ...TLS,
      progressTopic: '{}',
      validate: false,
    },
  },
  {
    kind: 'confluent-schema-registry',
    key: 'csr',
    args: { url: 'http://{}.example.com:8081', username: '{}', password: '{}', ...TLS, validate: false },
  },
  {
    kind: 'mysql',
    key: 'mysql',
    args: { host: '{}.example.com', user: '{}', password: '{}', ...TLS, validate: false },
  },
  {
    kind: 'postgres',
    key: 'pg',
    args: { host: '{}.example.com', database: '{}', user: '{}', password: '{}', ...TLS, validate: false },
  },
  {
    kind: 'sql-server',
    key: 'mssql',
    args: { host: '{}.example.com', database: '{}', user: '{}', password: '{}', ...TLS, validate: false },
  },
  { kind: 'ssh-tunnel', key: 'ssh', args: { host: '{}.example.com', user: '{}' } },
  {
    kind: 'iceberg-catalog',
    key: 'iceberg',
    args: {
      catalogType: 'rest',
      url: 'https://{}.example.com/catalog',
      warehouse: '{}',
      credential: '{}',
      scope: '{}',
      oauth2ServerUrl: 'https://{}.example.com/oauth',
      validate: false,
    },
  },
  { kind: 'gcp', key: 'gcp', args: { serviceAccountKey: '{}' } },
  {
    kind: 'aws-glue-schema-registry',
    key: 'glue',
    args: { awsConnection: { $ref: 'aws_role_text' }, registry: '{}', validate: false },
  },
];

/** Options the variants give a canary, as `kind.arg`. */
export function plannedOptions(variants: readonly Variant[] = VARIANTS): Set<string> {
  const out = new Set<string>();
  const hasCanary = (v: unknown): boolean =>
    typeof v === 'string' ? v.includes('{}') : Array.isArray(v) ? v.some(hasCanary) : false;
  for (const v of variants)
    for (const [arg, value] of Object.entries(v.args)) if (hasCanary(value)) out.add(`${v.kind}.${arg}`);
  return out;
}

/** Options that can carry a secret and that no variant gives a canary. */
export function uncoveredOptions(variants: readonly Variant[] = VARIANTS): string[] {
  const planned = plannedOptions(variants);
  return secretCarryingOptions().filter((o) => !planned.has(o));
}

/** The SDK class of each kind. */
export const CLASS_OF = CLASS;

/**
 * Inputs outside the connection specs that can carry a secret, by resource type. The program gives each a
 * canary; `resourceInputsPlanned` checks that it did.
 */
export const OTHER_SECRET_INPUTS: Readonly<Record<string, readonly string[]>> = {
  Secret: ['value'],
  /** Every resource of the package: the `materialize` endpoint's password. */
  '*': ['materialize.password'],
  Connection: ['diagnose.secrets', 'diagnose.sshPrivateKey'],
  AwsConnectionRole: ['description', 'tags', 'inlinePolicies'],
  SshBastionAuthorizedKeys: ['privateKey', 'privateKeyPassphrase'],
};

// ---------------------------------------------------------------------------------------------------------
// The plan as data: the program (test/canary/program) turns it into resources.

/** A value in the plan: `{ $secret }` becomes pulumi.secret(), `{ $ref }` the resource, `{ $comment }` the comment. */
export type PlanValue =
  | string
  | number
  | boolean
  | null
  | PlanValue[]
  | { $secret: PlanValue }
  | { $ref: string }
  | { $comment: true }
  | { [k: string]: PlanValue };

export interface PlanResource {
  readonly key: string;
  /** The SDK export: KafkaConnection, Secret, AwsConnectionRole... */
  readonly type: string;
  readonly args: Record<string, PlanValue>;
  readonly opts?: { deleteBeforeReplace?: boolean; replaceOnChanges?: string[]; dependsOn?: string[] };
}

export interface Plan {
  /** Where comments come from: `marker` makes them unknown in preview while the marker is replaced. */
  readonly commentFrom: 'plain' | 'marker';
  readonly marker: string;
  readonly resources: PlanResource[];
}

export interface Endpoint {
  host: string;
  port: number;
  username: string;
  password: string;
  database: string;
  sslmode: string;
}

export interface PlanOptions {
  /** Random per run: canaries of one run never match those of another. */
  readonly run: string;
  /** Changing it changes every canary: what an ALTER (refused, in the refused step) sends. */
  readonly epoch: number;
  readonly endpoint: Endpoint;
  readonly commentFrom: 'plain' | 'marker';
  /** The marker Secret's value (a secret too). */
  readonly marker: string;
  /** The marker's schema: a new one replaces it, and makes the comments taken from its id unknown in preview. */
  readonly markerSchema?: string;
  /** A second copy of every connection, whose CREATE the refused step refuses. */
  readonly copies?: boolean;
  /** A registry whose 401 answer echoes the Authorization header: a CSR validated against it fails. */
  readonly echoRegistry?: string;
  readonly role?: { accountId: string; roleName: string };
  readonly bastion?: {
    host: string;
    port: number;
    user: string;
    hostKeySha256: string;
    path: string;
    privateKey: string;
  };
}

export interface BuiltPlan {
  readonly plan: Plan;
  readonly canaries: Canary[];
  /** `Type.input` of every non-spec input given a canary. */
  readonly otherInputs: Set<string>;
}

const secret = (v: PlanValue): PlanValue => ({ $secret: v });

export function buildPlan(o: PlanOptions): BuiltPlan {
  const canaries: Canary[] = [];
  const otherInputs = new Set<string>();
  const resources: PlanResource[] = [];
  /** The part of the plan being built: each has its own token counter, so a token is the same in every step. */
  let part = 'a';
  const counters: Record<string, number> = {};
  /**
   * A distinct canary token: lower-case letters and digits, valid in a host name. The index is at both ends: the
   * search's base64-inside-longer-text form leaves out up to 4 bits at each end of a value, so tokens that differ
   * at one end only could be taken for each other there.
   */
  const token = () => {
    counters[part] = (counters[part] ?? 0) + 1;
    const i = counters[part].toString(36).padStart(2, '0');
    return `c${i}${part}${o.run}${o.epoch}${i}`;
  };
  const free = (label: string, user?: string) => {
    const t = token();
    const value = `cnry ${t} "q"/+&=é\\`;
    canaries.push({ label, value, user }, { label: `${label} (token)`, value: t });
    return value;
  };
  const shaped = (label: string, template: string) => {
    const t = token();
    canaries.push({ label: `${label} (token)`, value: t }, { label, value: template.replace('{}', t) });
    return template.replace('{}', t);
  };
  const endpoint = (type: string): PlanValue => {
    otherInputs.add(`${type}.materialize.password`);
    return { ...o.endpoint, password: secret(o.endpoint.password) };
  };
  canaries.push({ label: 'materialize.password (the login of every resource)', value: o.endpoint.password });
  const common = (type: string) => ({ materialize: endpoint(type), comment: { $comment: true } as PlanValue });
  const opts = { deleteBeforeReplace: true };

  const addSecret = (key: string, label: string, user?: string): PlanValue => {
    otherInputs.add('Secret.value');
    resources.push({ key, type: 'Secret', args: { name: key, value: free(label, user), ...common('Secret') }, opts });
    return { $ref: key };
  };

  resources.push({
    key: 'marker',
    type: 'Secret',
    args: {
      name: 'canary_marker',
      value: o.marker,
      schemaName: o.markerSchema ?? 'public',
      materialize: endpoint('Secret'),
    },
    opts,
  });
  canaries.push({ label: 'Secret marker value', value: o.marker });

  const connections = (suffix: string) => {
    for (const v of VARIANTS) {
      const spec = connectionSpecs[v.kind];
      const forms: ('text' | 'secret')[] = spec.options.some(
        (x) => x.value.type === 'text-or-secret' && x.arg in v.args,
      )
        ? ['text', 'secret']
        : ['text'];
      for (const form of forms) {
        const key = `${v.key}_${form}${suffix}`;
        const args: Record<string, PlanValue> = { name: key, ...common(CLASS_OF[v.kind]) };
        for (const [arg, template] of Object.entries(v.args)) {
          const option = spec.options.find((x) => x.arg === arg);
          const label = `${CLASS_OF[v.kind]} ${key} ${arg}`;
          const carrier = option ? carrierOf(option) : { none: 'not an option' };
          const fill = (t: unknown): PlanValue =>
            typeof t === 'string' && t.includes('{}')
              ? secret(t === '{}' ? free(label) : shaped(label, t))
              : Array.isArray(t)
                ? t.map(fill)
                : (t as PlanValue);
          if (typeof template === 'object' && template !== null && '$ref' in template) {
            const ref = (template as { $ref: string }).$ref.replace(/_text$/, `_text${suffix}`);
            args[arg] = { $ref: ref };
          } else if (carrier === 'secret' || (carrier === 'text-or-secret' && form === 'secret'))
            args[arg] = addSecret(`${key}_${arg.toLowerCase()}`, `Secret for ${label}`);
          else args[arg] = fill(template);
        }
        resources.push({ key, type: CLASS_OF[v.kind], args, opts });
      }
    }
  };
  connections('');

  if (o.copies) {
    part = 'b';
    connections('_new');
  }

  if (o.echoRegistry) {
    part = 'd';
    // Validated against a registry that answers 401 with the request's Authorization header: Materialize refuses
    // it, and the probe's verdict quotes the answer. The probe gets the password from `diagnose.secrets`.
    const key = 'diag_csr';
    const user = free('ConfluentSchemaRegistryConnection diag_csr username');
    const password = free('diag_csr password (its Secret and diagnose.secrets)', user);
    otherInputs.add('Secret.value').add('Connection.diagnose.secrets').add('Connection.diagnose.sshPrivateKey');
    resources.push({
      key: `${key}_password`,
      type: 'Secret',
      args: { name: `${key}_password`, value: password, ...common('Secret') },
      opts,
    });
    resources.push({
      key,
      type: 'ConfluentSchemaRegistryConnection',
      args: {
        name: key,
        url: o.echoRegistry,
        username: secret(user),
        password: { $ref: `${key}_password` },
        validate: true,
        diagnose: secret({
          secrets: { [`${key}_password`]: password },
          sshPrivateKey: free('diag_csr diagnose.sshPrivateKey'),
        }),
        ...common('ConfluentSchemaRegistryConnection'),
      },
      opts,
    });
  }

  if (o.role) {
    part = 'r';
    const roleConnection = `${o.role.roleName.toLowerCase()}_conn`;
    resources.push({
      key: roleConnection,
      type: 'AwsConnection',
      args: {
        name: roleConnection,
        assumeRoleArn: `arn:aws:iam::${o.role.accountId}:role/${o.role.roleName}`,
        region: 'us-east-1',
        materialize: endpoint('AwsConnection'),
      },
      opts,
    });
    otherInputs
      .add('AwsConnectionRole.description')
      .add('AwsConnectionRole.tags')
      .add('AwsConnectionRole.inlinePolicies');
    resources.push({
      key: 'role',
      type: 'AwsConnectionRole',
      args: {
        connection: { $ref: roleConnection },
        roleName: o.role.roleName,
        description: secret(free('AwsConnectionRole description')),
        tags: { canary: secret(free('AwsConnectionRole tags.canary')) },
        inlinePolicies: secret({
          canary: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 's3:GetObject',
                Resource: shaped('AwsConnectionRole inlinePolicies', 'arn:aws:s3:::{}/*'),
              },
            ],
          },
        }),
        materialize: endpoint('AwsConnectionRole'),
      },
    });
  }

  if (o.bastion) {
    part = 'k';
    const b = o.bastion;
    resources.push({
      key: 'bastion_tunnel',
      type: 'SshTunnelConnection',
      args: {
        name: 'canary_bastion_tunnel',
        host: b.host,
        port: b.port,
        user: b.user,
        materialize: endpoint('SshTunnelConnection'),
      },
      opts,
    });
    canaries.push({ label: 'SshBastionAuthorizedKeys privateKey', value: b.privateKey });
    b.privateKey.split('\n').forEach((line, n) => {
      if (line.length > 40 && !line.startsWith('-----'))
        canaries.push({ label: `SshBastionAuthorizedKeys privateKey (line ${n + 1})`, value: line });
    });
    otherInputs.add('SshBastionAuthorizedKeys.privateKey').add('SshBastionAuthorizedKeys.privateKeyPassphrase');
    resources.push({
      key: 'bastion_keys',
      type: 'SshBastionAuthorizedKeys',
      args: {
        connection: { $ref: 'bastion_tunnel' },
        path: b.path,
        hostKeySha256: b.hostKeySha256,
        privateKey: secret(b.privateKey),
        privateKeyPassphrase: secret(free('SshBastionAuthorizedKeys privateKeyPassphrase')),
        materialize: endpoint('SshBastionAuthorizedKeys'),
      },
    });
  }

  return { plan: { commentFrom: o.commentFrom, marker: o.marker, resources }, canaries, otherInputs };
}

/** Inputs of OTHER_SECRET_INPUTS the plan gives no canary (every type gets `materialize.password`). */
export function uncoveredOtherInputs(built: BuiltPlan): string[] {
  const types = new Set(built.plan.resources.map((r) => r.type));
  const wanted = Object.entries(OTHER_SECRET_INPUTS).flatMap(([type, inputs]) =>
    type === '*' ? [...types].flatMap((t) => inputs.map((i) => `${t}.${i}`)) : inputs.map((i) => `${type}.${i}`),
  );
  return wanted.filter((w) => !built.otherInputs.has(w));
}
