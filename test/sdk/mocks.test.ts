// The SDK under Pulumi's mocks (no provider process): what each resource class registers. Mocks do not expose
// resource options, so the mock monitor's registerResource is wrapped to read them off the request
// (the pulumi-harness sketch mocks-opts.js in ../shared/sketches).
import * as pulumi from '@pulumi/pulumi';
import { MockMonitor } from '@pulumi/pulumi/runtime/mocks';
import * as mz from '../../sdk';

const SECRET_SIG = '4dabf18193072939515e22adb298388d';
const SECRET = '1b47061264138c4ac30d75fd1eb44270';
const secretOf = (value: unknown) => ({ [SECRET_SIG]: SECRET, value });

interface Registered {
  type: string;
  inputs: Record<string, unknown>;
  aso: string[];
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  urn?: string;
}
const registered: Record<string, Registered> = {};

const original = MockMonitor.prototype.registerResource;
beforeAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  MockMonitor.prototype.registerResource = function (this: MockMonitor, req: any, cb: any) {
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((v: { getUrnsList(): string[] }, k: string) => {
      propertyDependencies[k] = v.getUrnsList();
    });
    registered[req.getName()] = {
      type: req.getType(),
      inputs: {},
      aso: req.getAdditionalsecretoutputsList(),
      dependencies: req.getDependenciesList(),
      propertyDependencies,
    };
    return original.call(this, req, cb);
  };
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered[args.name].inputs = args.inputs;
        const plainInputs = Object.fromEntries(
          Object.entries(args.inputs as Record<string, unknown>).map(([k, v]) => [
            k,
            v && typeof v === 'object' && SECRET_SIG in v ? (v as unknown as { value: unknown }).value : v,
          ]),
        );
        return {
          id: `${args.name}-id`,
          state: {
            ...plainInputs,
            schemaName: args.inputs.schemaName ?? 'public',
            databaseName: args.inputs.databaseName ?? 'materialize',
            qualifiedName: `"materialize"."public"."${args.inputs.name}"`,
            owner: 'mz_system',
            plannedSql: ['CREATE ...'],
            connectionId: 'u1',
            secretId: 'u2',
            createSql: 'CREATE CONNECTION ...',
            publicKey1: 'ssh-ed25519 AAAA1 materialize',
            publicKey2: 'ssh-ed25519 AAAA2 materialize',
            externalId: 'mz_x_u1',
            principal: 'arn:aws:iam::123456789000:role/x',
            exampleTrustPolicy: '{}',
            effectiveProgressTopic: '_materialize-progress-x',
          },
        };
      },
      call: (args) => args.inputs,
    },
    'project',
    'dev',
  );
});
afterAll(() => {
  MockMonitor.prototype.registerResource = original;
});

const endpoint = { host: 'mz.example.com', port: 6875, username: 'ci', password: 'pw-123' };

/** Waits for the registration of every resource (id and urn resolve once the mock monitor answers). */
async function settle(resources: pulumi.CustomResource[]): Promise<void> {
  await new Promise<void>((resolve) => pulumi.all(resources.flatMap((r) => [r.urn, r.id])).apply(() => resolve()));
  for (const r of resources) {
    const urn = await new Promise<string>((resolve) => r.urn.apply(resolve));
    const name = urn.split('::').at(-1)!;
    registered[name].urn = urn;
  }
}

const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

test('every class: type token, secret markers, declared outputs', async () => {
  const s = new mz.Secret('s', { name: 's', value: 'v', materialize: endpoint });
  const tunnel = new mz.SshTunnelConnection('tunnel', { name: 'tunnel', host: 'bastion', user: 'mz' });
  const aws = new mz.AwsConnection('aws', { name: 'aws', assumeRoleArn: 'arn:aws:iam::1:role/r' });
  const pl = new mz.AwsPrivatelinkConnection('pl', { name: 'pl', serviceName: 'svc', availabilityZones: ['a'] });
  const kafka = new mz.KafkaConnection('kafka', { name: 'kafka', brokers: ['b:9092'], sshTunnel: tunnel });
  const csr = new mz.ConfluentSchemaRegistryConnection('csr', { name: 'csr', url: 'http://r:8081' });
  const mysql = new mz.MySqlConnection('mysql', { name: 'mysql', host: 'h', user: 'u', password: s });
  const pg = new mz.PostgresConnection('pg', { name: 'pg', host: 'h', user: 'u', database: 'd', password: s });
  const mssql = new mz.SqlServerConnection('mssql', {
    name: 'mssql',
    host: 'h',
    user: 'u',
    database: 'd',
    password: s,
  });
  const ice = new mz.IcebergCatalogConnection('ice', {
    name: 'ice',
    catalogType: 'rest',
    url: 'https://c/x',
    credential: s,
  });
  const all = { s, tunnel, aws, pl, kafka, csr, mysql, pg, mssql, ice };
  await settle(Object.values(all));

  const classOf = {
    s: 'Secret',
    tunnel: 'SshTunnelConnection',
    aws: 'AwsConnection',
    pl: 'AwsPrivatelinkConnection',
    kafka: 'KafkaConnection',
    csr: 'ConfluentSchemaRegistryConnection',
    mysql: 'MySqlConnection',
    pg: 'PostgresConnection',
    mssql: 'SqlServerConnection',
    ice: 'IcebergCatalogConnection',
  };
  for (const [name, cls] of Object.entries(classOf)) {
    const r = registered[name];
    expect(r.type).toBe(`pulumi-nodejs:dynamic/materialize:${cls}`);
    expect(r.urn).toBe(`urn:pulumi:dev::project::pulumi-nodejs:dynamic/materialize:${cls}::${name}`);
    expect(r.aso).toContain('materialize');
    expect(typeof r.inputs.__provider).toBe('string'); // not secret-wrapped: the shim captures no secret
    expect(r.inputs.__provider).toContain('pulumi-materialize-connections/provider');
    // Computed outputs are declared (present on the object) but never sent as inputs; the SQL-quoting ones go
    // out as empty placeholders only when an argument is secret (see the test below), and so do not here.
    for (const o of ['qualifiedName', 'owner', 'plannedSql', 'createSql']) expect(r.inputs).not.toHaveProperty(o);
    if (name !== 's') expect(r.inputs).not.toHaveProperty('secretInputs');
  }

  // Secret: the value is a secret input, and a secret output; materialize is a secret input too.
  expect(registered.s.aso.sort()).toEqual(['materialize', 'value']);
  expect(registered.s.inputs.value).toEqual(secretOf('v'));
  expect(registered.s.inputs.materialize).toEqual(secretOf(endpoint));
  // (Mocks do not apply additionalSecretOutputs, so s.value is not secret here: test/e2e/secrets.test.ts checks it.)
  expect(await value(s.secretId)).toBe('u2');
  expect(registered.pg.inputs).not.toHaveProperty('materialize'); // unset stays unset
  // A connection's `diagnose` may hold the probe's secret values.
  expect(registered.pg.aso).toEqual(['materialize', 'diagnose']);

  // Declared outputs resolve from the provider's state.
  expect(await value(pg.qualifiedName)).toBe('"materialize"."public"."pg"');
  expect(await value(pg.connectionId)).toBe('u1');
  expect(await value(pg.createSql)).toBe('CREATE CONNECTION ...');
  expect(await value(pg.plannedSql)).toEqual(['CREATE ...']);
  expect(await value(pg.owner)).toBe('mz_system');
  expect(await value(tunnel.publicKey1)).toBe('ssh-ed25519 AAAA1 materialize');
  expect(await value(tunnel.publicKey2)).toBe('ssh-ed25519 AAAA2 materialize');
  expect(await value(aws.externalId)).toBe('mz_x_u1');
  expect(await value(aws.principal)).toBe('arn:aws:iam::123456789000:role/x');
  expect(await value(aws.exampleTrustPolicy)).toBe('{}');
  expect(await value(pl.principal)).toBe('arn:aws:iam::123456789000:role/x');
  expect(await value(kafka.effectiveProgressTopic)).toBe('_materialize-progress-x');
  expect(await value(csr.connectionId)).toBe('u1');
  expect(await value(mysql.connectionId)).toBe('u1');
  expect(await value(mssql.connectionId)).toBe('u1');
  expect(await value(ice.connectionId)).toBe('u1');
});

test('references: a resource becomes {name, schemaName, databaseName} and a dependency; plain refs pass through', async () => {
  const pw = new mz.Secret('pw2', { name: 'pw2', schemaName: 'secrets', value: pulumi.secret('x') });
  const t1 = new mz.SshTunnelConnection('t1', { name: 't1', host: 'b', user: 'u' });
  const pg = new mz.PostgresConnection('pg2', {
    name: 'pg2',
    host: 'h',
    database: 'd',
    user: { name: 'pg_user', schemaName: 'secrets' },
    password: pw,
    sshTunnel: t1,
  });
  const kafka = new mz.KafkaConnection('k2', {
    name: 'k2',
    brokers: ['a:9092', { address: 'b:9092', sshTunnel: t1 }],
    saslMechanisms: 'PLAIN',
    saslUsername: 'user',
    saslPassword: pw,
  });
  await settle([pw, t1, pg, kafka]);

  const r = registered.pg2;
  expect(r.inputs.password).toEqual({ name: 'pw2', schemaName: 'secrets', databaseName: 'materialize' });
  expect(r.inputs.sshTunnel).toEqual({ name: 't1', schemaName: 'public', databaseName: 'materialize' });
  expect(r.inputs.user).toEqual({ name: 'pg_user', schemaName: 'secrets' });
  expect(r.dependencies).toEqual(expect.arrayContaining([registered.pw2.urn, registered.t1.urn]));
  expect(r.propertyDependencies.password).toEqual([registered.pw2.urn]);
  expect(r.propertyDependencies.sshTunnel).toEqual([registered.t1.urn]);
  expect(r.propertyDependencies.user ?? []).toEqual([]);

  const k = registered.k2;
  expect(k.inputs.brokers).toEqual([
    'a:9092',
    { address: 'b:9092', sshTunnel: { name: 't1', schemaName: 'public', databaseName: 'materialize' } },
  ]);
  expect(k.inputs.saslPassword).toEqual({ name: 'pw2', schemaName: 'secrets', databaseName: 'materialize' });
  expect(k.dependencies).toEqual(expect.arrayContaining([registered.pw2.urn, registered.t1.urn]));
  expect(k.propertyDependencies.saslPassword).toEqual([registered.pw2.urn]);
});

test("a reference to an object in the default schema and database names them, not the referrer's", async () => {
  // The Secret leaves schemaName/databaseName to their defaults; the connection lives elsewhere.
  const pw = new mz.Secret('pw4', { name: 'pw4', value: 'x' });
  const pg = new mz.PostgresConnection('pg4', {
    name: 'pg4',
    schemaName: 'app',
    databaseName: 'other',
    host: 'h',
    database: 'd',
    user: 'u',
    password: pw,
  });
  await settle([pw, pg]);
  expect(registered.pg4.inputs.password).toEqual({ name: 'pw4', schemaName: 'public', databaseName: 'materialize' });
  expect(await value(pw.schemaName)).toBe('public');
  expect(await value(pw.databaseName)).toBe('materialize');
});

test('user options are kept next to the ones the classes add', async () => {
  const s = new mz.Secret(
    's3',
    { name: 's3', value: 'v' },
    { additionalSecretOutputs: ['comment'], protect: true, deleteBeforeReplace: true },
  );
  await settle([s]);
  expect(registered.s3.aso.sort()).toEqual(['comment', 'materialize', 'value']);
});

test('plannedSql and createSql go out secret exactly when an argument they would quote is secret', async () => {
  const plain = new mz.KafkaConnection('k-plain', { name: 'k', brokers: ['a:9092'], saslUsername: 'u' });
  const secretUser = new mz.KafkaConnection('k-secret', {
    name: 'k',
    brokers: ['a:9092'],
    saslUsername: pulumi.secret('SEKRETUSER'),
  });
  // A secret endpoint password and a Secret's value are masked by the provider: they taint nothing.
  const withEndpoint = new mz.SshTunnelConnection('t-endpoint', {
    name: 't',
    host: 'h',
    user: 'u',
    materialize: { host: 'mz', password: 'pw' },
  });
  const secret = new mz.Secret('s-value', { name: 's', value: pulumi.secret('v') });
  // The probe's secrets never appear in SQL either.
  const probed = new mz.PostgresConnection('pg-diagnose', {
    name: 'p',
    host: 'h',
    user: 'u',
    database: 'd',
    diagnose: pulumi.secret({ secrets: { pw: 'x' } }),
  });
  // A session token is masked as text in the SQL; a secret host is not.
  const token = new mz.AwsConnection('aws-token', { name: 'a', sessionToken: pulumi.secret('tok') });
  const host = new mz.SshTunnelConnection('t-host', { name: 't', host: pulumi.secret('bastion'), user: 'u' });
  await settle([plain, secretUser, withEndpoint, secret, probed, token, host]);
  // A placeholder that marks nothing is not sent (every input is stored twice per resource).
  for (const name of ['k-plain', 't-endpoint', 's-value', 'pg-diagnose', 'aws-token'])
    for (const key of ['plannedSql', 'createSql']) expect(registered[name].inputs).not.toHaveProperty(key);
  expect(registered['k-secret'].inputs.plannedSql).toEqual(secretOf(''));
  expect(registered['k-secret'].inputs.createSql).toEqual(secretOf(''));
  expect(registered['t-host'].inputs.plannedSql).toEqual(secretOf(''));
  expect(registered['t-host'].inputs.createSql).toEqual(secretOf(''));
  // The provider learns which inputs were secrets (names only; none: not sent): lifecycle arguments are masked
  // by the provider.
  for (const name of ['k-plain', 't-endpoint', 'pg-diagnose'])
    expect(registered[name].inputs).not.toHaveProperty('secretInputs');
  expect(registered['k-secret'].inputs.secretInputs).toEqual(['saslUsername']);
  expect(registered['s-value'].inputs.secretInputs).toEqual(['value']);
  expect(registered['t-host'].inputs.secretInputs).toEqual(['host']);
});

test('an output that repeats an argument (effectiveProgressTopic) goes out secret exactly when that argument is', async () => {
  const plain = new mz.KafkaConnection('pt-plain', { name: 'k', brokers: ['a:9092'], progressTopic: 'topic' });
  const secretTopic = new mz.KafkaConnection('pt-secret', {
    name: 'k',
    brokers: ['a:9092'],
    progressTopic: pulumi.secret('SEKRET-TOPIC'),
  });
  // Another secret argument does not make the topic secret: it does not repeat it.
  const secretUser = new mz.KafkaConnection('pt-user', {
    name: 'k',
    brokers: ['a:9092'],
    saslUsername: pulumi.secret('u'),
  });
  await settle([plain, secretTopic, secretUser]);
  expect(registered['pt-plain'].inputs).not.toHaveProperty('effectiveProgressTopic');
  expect(registered['pt-secret'].inputs.effectiveProgressTopic).toEqual(secretOf(''));
  expect(registered['pt-user'].inputs).not.toHaveProperty('effectiveProgressTopic');
});

test('SshBastionAuthorizedKeys: defaults from the connection, credentials secret, depends on the key outputs', async () => {
  const tunnel = new mz.SshTunnelConnection('bt', {
    name: 'bt',
    host: 'bastion',
    port: 2222,
    user: 'mz',
    keyRotation: 3,
  });
  const keys = new mz.SshBastionAuthorizedKeys('bt-keys', {
    connection: tunnel,
    hostKeySha256: 'SHA256:x',
    privateKey: 'operator-key',
    jumpHost: { host: 'j', user: 'ops', hostKeySha256: 'SHA256:y', agent: true },
  });
  await settle([tunnel, keys]);
  const r = registered['bt-keys'];
  expect(r.type).toBe('pulumi-nodejs:dynamic/materialize:SshBastionAuthorizedKeys');
  expect(registered.bt.inputs.keyRotation).toBe(3);
  expect(r.inputs).toMatchObject({
    host: 'bastion',
    port: 2222,
    user: 'mz',
    // The project and the stack in the default block name, and the owner of the block.
    blockName: 'project/dev/bt-keys',
    blockOwner: 'project/dev/bt-keys',
    hostKeySha256: 'SHA256:x',
    publicKeys: ['ssh-ed25519 AAAA1 materialize', 'ssh-ed25519 AAAA2 materialize'],
    connection: { name: 'bt', schemaName: 'public', databaseName: 'materialize' },
    privateKey: secretOf('operator-key'),
    jumpHost: secretOf({ host: 'j', user: 'ops', hostKeySha256: 'SHA256:y', agent: true }),
  });
  expect(r.aso.sort()).toEqual(['jumpHost', 'materialize', 'privateKey', 'privateKeyPassphrase']);
  expect(r.dependencies).toContain(registered.bt.urn);
  expect(r.propertyDependencies.publicKeys).toEqual([registered.bt.urn]);
  expect(typeof r.inputs.__provider).toBe('string');
  expect(await value(keys.host)).toBe('bastion');
});
