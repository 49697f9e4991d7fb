// The gRPC service itself, called as the engine calls it (the SDK's generated client over a real socket): config,
// check and diff need no Materialize (check sends no SQL; diff none while the address is unchanged).
import { serve, urnParts } from '../../../provider/native/server';
import { grpc, provider, providerRpc, struct, empty } from '../../../provider/native/rpc';
import { isSecretValue, secret } from '../../../provider/native/values';

type Msg = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let server: { tryShutdown(cb: () => void): void };
let client: Msg;

beforeAll(async () => {
  const s = await serve('9.9.9');
  server = s.server;
  client = new providerRpc.ResourceProviderClient(`127.0.0.1:${s.port}`, grpc.credentials.createInsecure());
});
afterAll(async () => {
  client.close();
  await new Promise<void>((resolve) => server.tryShutdown(resolve));
});

const call = <T = Msg>(method: string, req: Msg): Promise<T> =>
  new Promise((resolve, reject) =>
    client[method](req, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))),
  );
const toStruct = (o: object) => struct.Struct.fromJavaScript(o);
const URN = (type: string, name: string) => `urn:pulumi:dev::proj::materialize-connections:index:${type}::${name}`;

function checkRequest(type: string, news: object, olds: object = {}): Msg {
  const req = new provider.CheckRequest();
  req.setUrn(URN(type, 'r'));
  req.setType(`materialize-connections:index:${type}`);
  req.setOlds(toStruct(olds));
  req.setNews(toStruct(news));
  return req;
}

test('GetPluginInfo and GetSchema: the version, and one resource per class', async () => {
  expect((await call('getPluginInfo', new empty.Empty())).getVersion()).toBe('9.9.9');
  const schema = JSON.parse((await call('getSchema', new provider.GetSchemaRequest())).getSchema());
  expect(schema.version).toBe('9.9.9');
  expect(Object.keys(schema.resources)).toContain('materialize-connections:index:KafkaConnection');
});

test('CheckConfig returns a failure per bad setting, named by its native key', async () => {
  const resp = await call('checkConfig', checkRequest('Secret', { port: 'x', sslmode: 'maybe' }));
  const failures = resp.getFailuresList().map((f: Msg) => [f.getProperty(), f.getReason()]);
  expect(failures.map((f: string[]) => f[0]).sort()).toEqual(['port', 'sslmode']);
  for (const [, reason] of failures) expect(reason).toMatch(/^materialize-connections:(port|sslmode)/);
});

test('Configure accepts secrets and leaves preview to the engine', async () => {
  const req = new provider.ConfigureRequest();
  req.setArgs(toStruct({ host: 'localhost', password: secret('pw-Qk2') }));
  const resp = await call('configure', req);
  expect(resp.getAcceptsecrets()).toBe(true);
  expect(resp.getSupportspreview()).toBe(false);
});

test('Check: a secret value stays secret, the planned SQL masks it and is not marked; bad input fails before SQL', async () => {
  const resp = await call('check', checkRequest('Secret', { name: 's', value: secret('canary-Hq1') }));
  expect(resp.getFailuresList()).toEqual([]);
  const inputs = resp.getInputs().toJavaScript();
  expect(isSecretValue(inputs.value)).toBe(true);
  expect(inputs.plannedSql).toEqual([`CREATE SECRET "materialize"."public"."s" AS '********'`]);
  expect(JSON.stringify(inputs.plannedSql)).not.toContain('canary-Hq1');

  const bad = await call('check', checkRequest('PostgresConnection', { name: 'p', host: 'h', user: 'u' }));
  expect(bad.getFailuresList().map((f: Msg) => f.getProperty())).toEqual(['database']);
});

test('Check: a secret text option taints plannedSql, and records which inputs were secret', async () => {
  const resp = await call(
    'check',
    checkRequest('KafkaConnection', {
      name: 'k',
      brokers: ['b:9092'],
      saslMechanisms: 'PLAIN',
      saslUsername: secret('user-Zp9'),
      saslPassword: { name: 'pw' },
      securityProtocol: 'SASL_SSL',
    }),
  );
  const inputs = resp.getInputs().toJavaScript();
  expect(isSecretValue(inputs.saslUsername)).toBe(true);
  expect(isSecretValue(inputs.plannedSql)).toBe(true);
  expect(inputs.plannedSql.value[0]).toContain(`SASL USERNAME = '********'`);
  expect(inputs.secretInputs).toEqual(['saslUsername']);
});

test('Check of an unknown type names the types served', async () => {
  const req = checkRequest('Secret', { name: 's', value: 'v' });
  req.setType('materialize-connections:index:Table');
  req.setUrn(URN('Table', 'r'));
  await expect(call('check', req)).rejects.toThrow(/unknown resource type materialize-connections:index:Table/);
});

test('Diff: a detailed diff per property; an ALTER-able change updates, a schema change replaces', async () => {
  const olds = { name: 't', host: 'a.example.com', user: 'u', materializeEndpoint: 'localhost:6875' };
  const diff = async (news: object) => {
    const req = new provider.DiffRequest();
    req.setId('u1');
    req.setUrn(URN('SshTunnelConnection', 'r'));
    req.setType('materialize-connections:index:SshTunnelConnection');
    req.setOlds(toStruct(olds));
    req.setOldInputs(toStruct(olds));
    req.setNews(toStruct({ ...olds, ...news }));
    const resp = await call('diff', req);
    const map: Record<string, number> = {};
    resp.getDetaileddiffMap().forEach((v: Msg, k: string) => (map[k] = v.getKind()));
    return { changes: resp.getChanges(), replaces: resp.getReplacesList(), map, dbr: resp.getDeletebeforereplace() };
  };
  const none = await diff({});
  expect(none.changes).toBe(provider.DiffResponse.DiffChanges.DIFF_NONE);
  expect(none.map).toEqual({});
  const host = await diff({ host: 'b.example.com' });
  expect(host.changes).toBe(provider.DiffResponse.DiffChanges.DIFF_SOME);
  expect(host.map).toEqual({ host: provider.PropertyDiff.Kind.UPDATE });
  const moved = await diff({ schemaName: 'other' });
  expect(moved.replaces).toEqual(['schemaName']);
  expect(moved.map).toEqual({ schemaName: provider.PropertyDiff.Kind.ADD_REPLACE });
  expect(moved.dbr).toBe(false);
});

test('urnParts: stack, project, the last type of the parent chain and the whole name (which may hold ::)', () => {
  expect(urnParts(URN('SshBastionAuthorizedKeys', 'keys'))).toEqual({
    stack: 'dev',
    project: 'proj',
    type: 'materialize-connections:index:SshBastionAuthorizedKeys',
    name: 'keys',
  });
  expect(
    urnParts('urn:pulumi:prod::shop::my:index:Parent$materialize-connections:index:SshBastionAuthorizedKeys::a::b'),
  ).toEqual({
    stack: 'prod',
    project: 'shop',
    type: 'materialize-connections:index:SshBastionAuthorizedKeys',
    name: 'a::b',
  });
});

test('Check of SshBastionAuthorizedKeys: the default block name and owner are <project>/<stack>/<resource name>', async () => {
  const req = checkRequest('SshBastionAuthorizedKeys', { publicKeys: ['k'], host: 'h', user: 'u' });
  req.setUrn(URN('SshBastionAuthorizedKeys', 'bastion keys'));
  const inputs = (await call('check', req)).getInputs().toJavaScript();
  expect(inputs.blockName).toBe('proj/dev/bastion_keys');
  expect(inputs.blockOwner).toBe('proj/dev/bastion keys');
});
