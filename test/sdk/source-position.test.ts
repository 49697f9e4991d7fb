// Where a resource was declared, as @pulumi/pulumi sends it with the registration (its stack trace, and the first
// frame as the source position, which `pulumi stack export` shows): the program's line, for every resource class,
// not a line of this package's classes (sdk/shim.ts, fromProgram).
import * as path from 'path';
import { pathToFileURL } from 'url';
import * as pulumi from '@pulumi/pulumi';
import * as mz from '../../sdk';

interface Position {
  uri: string;
  line: number;
  column: number;
}
interface Registration {
  position?: Position;
  trace: (Position | undefined)[];
}

const runtimeResource = require('@pulumi/pulumi/runtime/resource');
const registerResource = runtimeResource.registerResource;
const registrations = new Map<string, Registration>();

beforeAll(async () => {
  await pulumi.runtime.setMocks({
    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: () => ({}),
  });
  // Resource's constructor calls it with what it captured: (..., sourcePosition, stackTrace, packageRef).
  runtimeResource.registerResource = (...args: unknown[]) => {
    registrations.set(args[3] as string, { position: args[9] as Position, trace: args[10] as Position[] });
    return registerResource(...args);
  };
});
afterAll(() => {
  runtimeResource.registerResource = registerResource;
});

/**
 * Where `at(new ...)` is, as V8 numbers it (under jest, in swc's output): the position of `new`, 3 columns on.
 * The position of a line in the TypeScript source would need the source map, which source-map-support applies in
 * a Pulumi run and jest does not.
 */
function at(_resource: pulumi.CustomResource): Position {
  const saved = Error.prepareStackTrace;
  Error.prepareStackTrace = (_error, sites) => sites;
  const sites = new Error().stack as unknown as NodeJS.CallSite[];
  Error.prepareStackTrace = saved;
  const caller = sites[1];
  expect(caller.getFileName()).toBe(__filename);
  return {
    uri: pathToFileURL(__filename).toString(),
    line: caller.getLineNumber()!,
    column: caller.getColumnNumber()! + 3,
  };
}

const makers: Record<string, (n: string) => Position> = {
  Secret: (n) => at(new mz.Secret(n, { name: n, value: 'v' })),
  AwsConnection: (n) => at(new mz.AwsConnection(n, { name: n, assumeRoleArn: 'arn:aws:iam::1:role/r' })),
  AwsPrivatelinkConnection: (n) =>
    at(new mz.AwsPrivatelinkConnection(n, { name: n, serviceName: 'com.amazonaws.vpce.x', availabilityZones: ['a'] })),
  KafkaConnection: (n) => at(new mz.KafkaConnection(n, { name: n, brokers: ['b:9092'] })),
  ConfluentSchemaRegistryConnection: (n) =>
    at(new mz.ConfluentSchemaRegistryConnection(n, { name: n, url: 'http://c' })),
  PostgresConnection: (n) => at(new mz.PostgresConnection(n, { name: n, host: 'h', user: 'u', database: 'd' })),
  MySqlConnection: (n) => at(new mz.MySqlConnection(n, { name: n, host: 'h', user: 'u' })),
  SqlServerConnection: (n) =>
    at(new mz.SqlServerConnection(n, { name: n, host: 'h', user: 'u', database: 'd', password: { name: 'pw' } })),
  SshTunnelConnection: (n) => at(new mz.SshTunnelConnection(n, { name: n, host: 'h', user: 'u' })),
  IcebergCatalogConnection: (n) =>
    at(new mz.IcebergCatalogConnection(n, { name: n, catalogType: 'rest', url: 'https://c/x', credential: 'c' })),
  GcpConnection: (n) => at(new mz.GcpConnection(n, { name: n, serviceAccountKey: { name: 'sa' } })),
  AwsGlueSchemaRegistryConnection: (n) =>
    at(new mz.AwsGlueSchemaRegistryConnection(n, { name: n, awsConnection: { name: 'aws' }, registry: 'r' })),
  SshBastionAuthorizedKeys: (n) =>
    at(new mz.SshBastionAuthorizedKeys(n, { host: 'h', user: 'u', publicKeys: ['k'], hostKeySha256: 'SHA256:x' })),
  AwsConnectionRole: (n) => at(new mz.AwsConnectionRole(n, { connection: { name: 'aws' }, roleName: 'r' })),
};

const sdkDir = path.join(__dirname, '../../sdk') + path.sep;

/** The resource's registration, and where it was declared. */
function declare(type: string, name: string): [Registration, Position] {
  const declared = makers[type](name);
  const registration = registrations.get(name);
  if (!registration) throw new Error(`${name} did not register`);
  return [registration, declared];
}

test('every resource class of the package is covered', () => {
  const abstract = ['Connection', 'MaterializeObject'];
  const classes = Object.entries(mz)
    .filter(
      ([name, v]) => typeof v === 'function' && v.prototype instanceof pulumi.Resource && !abstract.includes(name),
    )
    .map(([name]) => name);
  expect(Object.keys(makers).sort()).toEqual(classes.sort());
});

describe.each(Object.keys(makers))('%s', (type) => {
  test("the source position is the program's line, and the stack trace starts there", () => {
    const [r, declared] = declare(type, `${type}-plain`);
    expect(r.position).toEqual(declared);
    expect(r.trace[0]).toEqual(declared);
    expect(r.trace.filter((f) => f?.uri.startsWith(pathToFileURL(sdkDir).toString()))).toEqual([]);
  });

  test('a formatter in place (source-map-support in a Pulumi run) formats the frames, and is put back', () => {
    const handed: string[][] = [];
    const previous = (error: Error, sites: NodeJS.CallSite[]) => {
      handed.push(sites.map((s) => s.getFileName() ?? ''));
      return `${error}${sites.map((s) => `\n    at ${s}`).join('')}`;
    };
    const saved = Error.prepareStackTrace;
    Error.prepareStackTrace = previous;
    let r: Registration, declared: Position;
    try {
      [r, declared] = declare(type, `${type}-formatted`);
      expect(Error.prepareStackTrace).toBe(previous);
    } finally {
      Error.prepareStackTrace = saved;
    }
    expect(r.position).toEqual(declared);
    // Pulumi's own capture (the others are empty): of sdk/, only the class, then this file.
    const captures = handed.filter((files) => files.length > 0);
    expect(captures).toHaveLength(1);
    const sdk = captures[0].filter((f) => f.startsWith(sdkDir));
    expect(sdk).toHaveLength(1);
    expect(captures[0][captures[0].indexOf(sdk[0]) + 1]).toBe(__filename);
  });

  test('with PULUMI_DEBUG_PROMISE_LEAKS (stacks captured in full) too', () => {
    process.env.PULUMI_DEBUG_PROMISE_LEAKS = 'true';
    try {
      const [r, declared] = declare(type, `${type}-debug`);
      expect(r.position).toEqual(declared);
    } finally {
      delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
    }
  });
});

test('the formatter is put back when the constructor throws', () => {
  const saved = Error.prepareStackTrace;
  const previous = (error: Error) => String(error);
  Error.prepareStackTrace = previous;
  try {
    expect(() => new mz.Secret('bad-parent', { name: 'x', value: 'v' }, { parent: {} as pulumi.Resource })).toThrow(
      'Resource parent is not a valid Resource',
    );
    expect(Error.prepareStackTrace).toBe(previous);
  } finally {
    Error.prepareStackTrace = saved;
  }
});
