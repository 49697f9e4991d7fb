// The policy pack's checks (pipeline/policy/rules.ts) over the inputs @pulumi/policy hands them; the acceptance
// suite runs the same pack through the real CLI (test/acceptance/policy.test.ts).
import * as fs from 'fs';
import * as path from 'path';
import * as rules from '../../../pipeline/policy/rules';
import { policies } from '../../../pipeline/policy/pack';

const T = (cls: string) => `pulumi-nodejs:dynamic/materialize:${cls}`;
const view = (cls: string, props: Record<string, unknown>, name = 'r') => ({ type: T(cls), name, props });
const ROOT = path.resolve(__dirname, '../../..');

describe('local hosts', () => {
  test.each(['localhost', 'LOCALHOST', 'kafka.localhost', '127.0.0.1', '127.8.9.10', '::1', 'localhost.'])(
    '%s is local',
    (h) => expect(rules.isLocalHost(h)).toBe(true),
  );
  test.each(['example.com', '10.0.0.1', '128.0.0.1', 'localhost.example.com', '127.0.0.1.nip.io', '::2', ''])(
    '%s is not',
    (h) => expect(rules.isLocalHost(h)).toBe(false),
  );
  test('allowedHosts: exact names and *.suffix, in any case', () => {
    const config = { allowedHosts: ['kafka.internal', '*.corp.example'] };
    expect(rules.isLocalHost('KAFKA.internal', config)).toBe(true);
    expect(rules.isLocalHost('a.b.corp.example', config)).toBe(true);
    expect(rules.isLocalHost('corp.example', config)).toBe(false);
    expect(rules.isLocalHost('xkafka.internal', config)).toBe(false);
  });
  test.each([
    ['b:9092', 'b'],
    ['B.Example.COM:9092', 'b.example.com'],
    ['[::1]:9092', '::1'],
    ['::1', '::1'],
    ['host', 'host'],
  ])('hostOf(%s) = %s', (a, h) => expect(rules.hostOf(a)).toBe(h));
});

describe('no-plaintext-kafka', () => {
  const kafka = (props: Record<string, unknown>) => rules.plaintextKafka(view('KafkaConnection', props, 'k'));
  test.each(['PLAINTEXT', 'plaintext', 'SASL_PLAINTEXT'])('%s to a remote broker is refused, naming it', (p) => {
    expect(kafka({ brokers: ['localhost:9092', 'b1.example.com:9092'], securityProtocol: p })).toEqual([
      `KafkaConnection "k" uses SECURITY PROTOCOL ${p.toUpperCase()} to b1.example.com: credentials and data would ` +
        'cross the network unencrypted. Use SSL or SASL_SSL (the default), or reach the brokers through an SSH ' +
        'tunnel or AWS PrivateLink.',
    ]);
  });
  test.each([
    [{ brokers: ['b.example.com:9092'] }], // SSL by default
    [{ brokers: ['b.example.com:9092'], saslMechanisms: 'PLAIN' }], // SASL_SSL by default
    [{ brokers: ['b.example.com:9092'], securityProtocol: 'SSL' }],
    [{ brokers: ['localhost:9092', '127.0.0.1:9093'], securityProtocol: 'PLAINTEXT' }],
    [{ brokers: ['b.example.com:9092'], securityProtocol: 'PLAINTEXT', sshTunnel: { name: 't' } }],
    [{ brokers: [{ address: 'b.example.com:9092', sshTunnel: { name: 't' } }], securityProtocol: 'PLAINTEXT' }],
    [{ awsPrivatelink: { connection: { name: 'pl' } }, securityProtocol: 'PLAINTEXT' }],
  ])('passes %j', (props) => expect(kafka(props)).toEqual([]));
  test('a broker object reached directly counts, and allowedHosts lets it through', () => {
    const props = { brokers: [{ address: 'b.example.com:9092' }], securityProtocol: 'PLAINTEXT' };
    expect(kafka(props)).toHaveLength(1);
    expect(rules.plaintextKafka(view('KafkaConnection', props), { allowedHosts: ['*.example.com'] })).toEqual([]);
  });
  test('another type with the same inputs is not looked at', () =>
    expect(
      rules.plaintextKafka(view('SshTunnelConnection', { brokers: ['b:1'], securityProtocol: 'PLAINTEXT' })),
    ).toEqual([]));
});

describe('no-plaintext-database', () => {
  test.each([
    ['PostgresConnection', undefined, "no sslMode (Materialize's default is disable)"],
    ['PostgresConnection', 'disable', 'sslMode disable'],
    ['MySqlConnection', undefined, "no sslMode (Materialize's default is disabled)"],
    ['MySqlConnection', 'DISABLED', 'sslMode disabled'],
    ['SqlServerConnection', 'disabled', 'sslMode disabled'],
  ])('%s with sslMode %s to a remote host is refused', (cls, sslMode, how) => {
    const props = { host: 'DB.example.com', ...(sslMode ? { sslMode } : {}), password: { name: 'pw' } };
    expect(rules.plaintextDatabase(view(cls, props, 'db'))).toEqual([
      `${cls} "db" has ${how} to db.example.com: the password and data would cross the network unencrypted. Set ` +
        'sslMode to require (or verify_ca / verify_full / verify_identity), or reach the host through an SSH ' +
        'tunnel or AWS PrivateLink.',
    ]);
  });
  test.each([
    ['PostgresConnection', { host: 'db.example.com', sslMode: 'require' }],
    ['MySqlConnection', { host: 'db.example.com', sslMode: 'verify_identity' }],
    ['SqlServerConnection', { host: 'db.example.com', sslMode: 'verify' }],
    ['PostgresConnection', { host: 'localhost' }],
    ['PostgresConnection', { host: 'db.example.com', sshTunnel: { name: 't' } }],
    ['MySqlConnection', { host: 'db.example.com', awsPrivatelink: { connection: { name: 'pl' } } }],
    ['KafkaConnection', { host: 'db.example.com' }],
  ])('%s %j passes', (cls, props) => expect(rules.plaintextDatabase(view(cls, props))).toEqual([]));
});

describe('no-plaintext-schema-registry', () => {
  const csr = (url: string, extra = {}) =>
    rules.plaintextSchemaRegistry(view('ConfluentSchemaRegistryConnection', { url, ...extra }, 'c'));
  test('http:// to a remote host is refused', () =>
    expect(csr('http://csr.example.com:8081')).toEqual([
      'ConfluentSchemaRegistryConnection "c" reaches csr.example.com over http://: the registry\'s credentials ' +
        'and schemas would cross the network unencrypted. Use an https:// URL, or an SSH tunnel or AWS PrivateLink.',
    ]));
  test.each(['https://csr.example.com', 'HTTP://localhost:8081', 'http://[::1]:8081', 'not a url'])('%s passes', (u) =>
    expect(csr(u)).toEqual([]),
  );
  test('through an SSH tunnel it passes', () =>
    expect(csr('http://csr.example.com', { sshTunnel: { name: 't' } })).toEqual([]));
});

describe('advisory policies', () => {
  test('ssh-key-rotation', () => {
    expect(rules.sshWithoutKeyRotation(view('SshTunnelConnection', { host: 'b' }, 't'))[0]).toMatch(
      /^SshTunnelConnection "t" has no keyRotation/,
    );
    expect(rules.sshWithoutKeyRotation(view('SshTunnelConnection', { keyRotation: 0 }))).toEqual([]);
  });
  test('keep-validation: only where Materialize validates by default', () => {
    const off = { validate: false };
    for (const cls of ['KafkaConnection', 'PostgresConnection', 'MySqlConnection', 'ConfluentSchemaRegistryConnection'])
      expect(rules.validationTurnedOff(view(cls, off))).toHaveLength(1);
    for (const cls of ['SshTunnelConnection', 'AwsPrivatelinkConnection', 'Secret'])
      expect(rules.validationTurnedOff(view(cls, off))).toEqual([]);
    expect(rules.validationTurnedOff(view('KafkaConnection', { validate: true }))).toEqual([]);
  });
  test('no-drop-cascade, on any resource of this package', () => {
    expect(rules.dropCascade(view('Secret', { dropCascade: true }, 's'))[0]).toMatch(/^Secret "s" sets dropCascade/);
    expect(rules.dropCascade(view('Secret', { dropCascade: false }))).toEqual([]);
    expect(rules.dropCascade({ type: 'aws:s3:Bucket', name: 'b', props: { dropCascade: true } })).toEqual([]);
  });
  test('aws-connection-role: over the stack', () => {
    const aws = view('AwsConnection', { assumeRoleArn: 'arn:aws:iam::1:role/r' }, 'aws');
    const keys = view('AwsConnection', { accessKeyId: 'x' }, 'keys');
    expect(rules.awsConnectionWithoutRole([aws, keys])).toHaveLength(1);
    expect(rules.awsConnectionWithoutRole([aws, view('AwsConnectionRole', {})])).toEqual([]);
    expect(rules.awsConnectionWithoutRole([keys])).toEqual([]);
  });
});

test('no message quotes an input value other than hosts and names', () => {
  const secret = 'hunter2-SEKRET-value';
  const props = {
    host: 'db.example.com',
    brokers: ['b.example.com:1'],
    url: 'http://csr.example.com',
    securityProtocol: 'PLAINTEXT',
    password: secret,
    saslPassword: secret,
    username: secret,
    validate: false,
    dropCascade: true,
  };
  const all = [
    'KafkaConnection',
    'PostgresConnection',
    'ConfluentSchemaRegistryConnection',
    'SshTunnelConnection',
  ].flatMap((cls) => [
    ...rules.plaintextKafka(view(cls, props)),
    ...rules.plaintextDatabase(view(cls, props)),
    ...rules.plaintextSchemaRegistry(view(cls, props)),
    ...rules.sshWithoutKeyRotation(view(cls, props)),
    ...rules.validationTurnedOff(view(cls, props)),
    ...rules.dropCascade(view(cls, props)),
  ]);
  expect(all.length).toBeGreaterThan(5);
  for (const m of all) expect(m).not.toContain(secret);
});

test('the pack: the policies the README lists, each level its default, names @pulumi/policy accepts', () => {
  expect(policies.map((p) => [p.name, p.enforcementLevel])).toEqual([
    ['no-plaintext-kafka', 'mandatory'],
    ['no-plaintext-database', 'mandatory'],
    ['no-plaintext-schema-registry', 'mandatory'],
    ['aws-connection-role', 'advisory'],
    ['ssh-key-rotation', 'advisory'],
    ['keep-validation', 'advisory'],
    ['no-drop-cascade', 'advisory'],
  ]);
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  for (const p of policies) expect(readme).toContain(`\`${p.name}\``);
});

test("policy/package.json carries the package's version (@pulumi/policy reports it as the pack's)", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const pack = JSON.parse(fs.readFileSync(path.join(ROOT, 'policy/package.json'), 'utf8'));
  expect(pack.version).toBe(pkg.version);
  expect(pkg.files).toEqual(expect.arrayContaining(['policy', 'lib/pipeline']));
  expect(pkg.dependencies['@pulumi/policy']).toMatch(/^\d+\.\d+\.\d+$/);
});
