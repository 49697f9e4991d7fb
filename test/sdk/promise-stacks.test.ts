// The SDK registers resources without capturing a stack trace per property promise (sdk/shim.ts,
// withoutPromiseStacks): the resource's own stack trace and source position still reach the engine, the global
// Error.stackTraceLimit is restored whatever happens, and PULUMI_DEBUG_PROMISE_LEAKS keeps the stacks.
import * as pulumi from '@pulumi/pulumi';
import { MockMonitor } from '@pulumi/pulumi/runtime/mocks';
import * as mz from '../../sdk';

interface Registration {
  sourceUri?: string;
  frames: string[];
}
const registrations: Record<string, Registration> = {};
const original = MockMonitor.prototype.registerResource;

beforeAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  MockMonitor.prototype.registerResource = function (this: MockMonitor, req: any, cb: any) {
    registrations[req.getName()] = {
      sourceUri: req.getSourceposition()?.getUri(),
      frames: (req.getStacktrace()?.getFramesList() ?? []).map(
        (f: { getPc(): { getUri(): string } | undefined }) => f.getPc()?.getUri() ?? '',
      ),
    };
    return original.call(this, req, cb);
  };
  await pulumi.runtime.setMocks({
    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: () => ({}),
  });
});
afterAll(() => {
  MockMonitor.prototype.registerResource = original;
});

/** How many stack traces with frames were formatted while `fn` ran (each one a capture that costs). */
function stacksCaptured(fn: () => void): number {
  const previous = Error.prepareStackTrace;
  let n = 0;
  Error.prepareStackTrace = (err, sites) => {
    if (sites.length > 0) n++;
    return previous ? previous(err, sites) : `${err}\n${sites.map((s) => `    at ${s}`).join('\n')}`;
  };
  try {
    fn();
  } finally {
    Error.prepareStackTrace = previous;
  }
  return n;
}

const makers: [string, (n: string) => pulumi.CustomResource & { name: pulumi.Output<string> }][] = [
  ['Secret', (n) => new mz.Secret(n, { name: n, value: 'v' })],
  ['PostgresConnection', (n) => new mz.PostgresConnection(n, { name: n, host: 'h', user: 'u', database: 'd' })],
  ['KafkaConnection', (n) => new mz.KafkaConnection(n, { name: n, brokers: ['b:9092'] })],
];

describe.each(makers)('%s', (_type, make) => {
  test.each([10, 3, 57])("Error.stackTraceLimit %i is restored; one stack captured, the resource's", async (limit) => {
    const saved = Error.stackTraceLimit;
    Error.stackTraceLimit = limit;
    try {
      const name = `${_type}-limit-${limit}`;
      let r!: ReturnType<typeof make>;
      // Pulumi's own capture of where the resource was declared (Resource.callsites), and no other.
      expect(stacksCaptured(() => (r = make(name)))).toBe(1);
      expect(Error.stackTraceLimit).toBe(limit);
      await new Promise<void>((resolve) => r.urn.apply(() => resolve()));
      // The engine still gets where the resource was declared: this file, among the frames of the trace.
      const reg = registrations[name];
      expect(reg.sourceUri).toMatch(/^file:\/\//);
      expect(reg.frames.some((f) => f.endsWith('promise-stacks.test.ts'))).toBe(true);
    } finally {
      Error.stackTraceLimit = saved;
    }
  });

  test('restored when the constructor throws', () => {
    const saved = Error.stackTraceLimit;
    const bad = () =>
      _type === 'Secret'
        ? new mz.Secret(`${_type}-bad-parent`, { name: 'x', value: 'v' }, { parent: {} as pulumi.Resource })
        : new mz.PostgresConnection(
            `${_type}-bad-parent`,
            { name: 'x', host: 'h', user: 'u', database: 'd' },
            { parent: {} as pulumi.Resource },
          );
    let thrown: Error | undefined;
    try {
      bad();
    } catch (e) {
      thrown = e as Error;
    }
    expect(thrown?.message).toBe(`Resource parent is not a valid Resource: ${{}}`);
    expect(Error.stackTraceLimit).toBe(saved);
    // Where the resource was constructed: this file.
    expect(thrown?.stack).toMatch(/\n\s+at .*promise-stacks\.test\.ts/);
  });

  test('PULUMI_DEBUG_PROMISE_LEAKS keeps the stacks', () => {
    process.env.PULUMI_DEBUG_PROMISE_LEAKS = 'true';
    try {
      // Four promises per property, each with its stack, as @pulumi/pulumi does for its leak report.
      expect(stacksCaptured(() => make(`${_type}-debug`))).toBeGreaterThan(40);
    } finally {
      delete process.env.PULUMI_DEBUG_PROMISE_LEAKS;
    }
  });
});
