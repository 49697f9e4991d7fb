// fast-check arbitraries built generically from the connection specs: valid plain-data arguments of any
// kind, with hostile text and names. A new spec gets arbitraries with no change here.
import fc from 'fast-check';
import { isBrokerRule, type Broker, type ObjectRef } from '../../../provider/args';
import { resolveRef } from '../../../provider/sql/refs';
import type { ResolvedLocation } from '../../../provider/sql/quote';
import { identifierProblem } from '../../../provider/validate';
import type { ConnectionSpec, OptionSpec, ValueKind } from '../../../provider/specs';

const hostilePieces = [
  "'",
  "''",
  '"',
  '""',
  '\\',
  "\\'",
  '\n',
  '\r\n',
  '\t',
  ' ',
  ',',
  '.',
  ';',
  '(',
  ')',
  '[',
  ']',
  '=',
  '--',
  '/*',
  '*/',
  '$$',
  '$a$',
  "E'",
  'e',
  'é',
  'Ω',
  '😀',
  '\u200b',
  'SECRET',
  'secret x',
  'USING SSH TUNNEL t',
  'PORT',
  'PUBLIC KEY 1',
  '[u1 AS "a"."b"."c"]',
  'WITH',
  'to',
  'null',
  'true',
];

/** Words that are simple identifiers, some of them keywords, so the minimal-quoting style leaves some bare. */
const simpleIdent = fc.oneof(
  fc.stringMatching(/^[a-z_][a-z0-9_]{0,10}$/),
  fc.constantFrom(
    'public',
    'materialize',
    'secret',
    'using',
    'host',
    'port',
    'user',
    'ssh',
    'aws',
    'kafka',
    'to',
    'as',
    'with',
    'select',
    'key',
  ),
);

/** Text with quotes, backslashes, unicode, keywords, newlines (no NUL: Materialize refuses it). */
export const hostileText: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ maxLength: 12 }),
    simpleIdent,
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.string({ unit: 'binary', maxLength: 8 }),
    fc.constantFrom(...hostilePieces),
    fc.array(fc.constantFrom(...hostilePieces), { minLength: 1, maxLength: 5 }).map((p) => p.join('')),
  )
  .filter((s) => !s.includes('\0'));

/** Names Materialize accepts (the validator's identifier rules: not empty, not `.` or `..`, at most 255 bytes). */
export const identifier: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 2, arbitrary: simpleIdent },
    { weight: 2, arbitrary: hostileText },
    { weight: 1, arbitrary: fc.constantFrom('Upper', 'a.b', 'a""b', '"', ' ', 'x y', 'É', '1abc', '...') },
  )
  .filter((s) => identifierProblem(s) === undefined);

export const ref: fc.Arbitrary<ObjectRef> = fc.record(
  { name: identifier, schemaName: identifier, databaseName: identifier },
  { requiredKeys: ['name'] },
);

const port = fc.integer({ min: 1, max: 65535 });

const brokerPrivatelink = fc.record(
  { connection: ref, port, availabilityZone: hostileText },
  { requiredKeys: ['connection'] },
);

const broker: fc.Arbitrary<Broker> = fc.oneof(
  fc.record({
    // Materialize's parser refuses a `*` anywhere but first and last.
    matching: hostileText.filter((p) => !p.slice(1, -1).includes('*')),
    awsPrivatelink: brokerPrivatelink,
  }),
  hostileText,
  fc.record({ address: hostileText, sshTunnel: ref }),
  fc.record({
    address: hostileText,
    awsPrivatelink: fc.record(
      { connection: ref, port, availabilityZone: hostileText },
      { requiredKeys: ['connection'] },
    ),
  }),
);

export function valueArbitrary(v: ValueKind): fc.Arbitrary<unknown> {
  switch (v.type) {
    case 'text':
      return v.oneOf ? fc.oneof(fc.constantFrom(...v.oneOf), hostileText) : hostileText;
    case 'secret':
    case 'connection':
      return ref;
    case 'text-or-secret':
      return fc.oneof(hostileText, ref);
    case 'port':
      return port;
    case 'positive-integer':
      return fc.integer({ min: 1, max: 2 ** 31 - 1 });
    case 'text-list':
      return fc.array(hostileText, { minLength: 1, maxLength: 4 });
    case 'privatelink':
      return v.port
        ? fc.record({ connection: ref, port }, { requiredKeys: ['connection'] })
        : fc.record({ connection: ref });
    case 'brokers':
      return fc.array(broker, { minLength: 1, maxLength: 4 });
  }
}

/** Arguments of one kind: any subset (at least one) of its options, a location, and maybe `validate`. */
export function argsArbitrary(spec: ConnectionSpec): fc.Arbitrary<Record<string, unknown>> {
  const options = fc
    .record(Object.fromEntries(spec.options.map((o) => [o.arg, valueArbitrary(o.value)])), { requiredKeys: [] })
    .filter((o) => Object.keys(o).length > 0);
  const location = fc.record(
    { name: identifier, schemaName: identifier, databaseName: identifier, validate: fc.boolean() },
    { requiredKeys: ['name'] },
  );
  return fc.tuple(options, location).map(([o, l]) => ({ ...o, ...l }));
}

/** What the reader gives back for an option value: refs resolved against the connection's own location. */
export function expectedValue(opt: OptionSpec, value: unknown, own: ResolvedLocation): unknown {
  const r = (x: ObjectRef) => resolveRef(x, own);
  switch (opt.value.type) {
    case 'secret':
    case 'connection':
      return r(value as ObjectRef);
    case 'text-or-secret':
      return typeof value === 'string' ? value : r(value as ObjectRef);
    case 'privatelink': {
      const pl = value as { connection: ObjectRef; port?: number };
      return { ...pl, connection: r(pl.connection) };
    }
    case 'brokers':
      return (value as Broker[]).map((b) => {
        if (typeof b === 'string') return b;
        if (isBrokerRule(b))
          return {
            matching: b.matching,
            awsPrivatelink: { ...b.awsPrivatelink, connection: r(b.awsPrivatelink.connection) },
          };
        const out: Record<string, unknown> = { address: b.address };
        if (b.sshTunnel) out.sshTunnel = r(b.sshTunnel);
        if (b.awsPrivatelink) out.awsPrivatelink = { ...b.awsPrivatelink, connection: r(b.awsPrivatelink.connection) };
        return out;
      });
    default:
      return value;
  }
}

export function expectedOptions(spec: ConnectionSpec, args: Record<string, unknown>, own: ResolvedLocation) {
  return Object.fromEntries(
    spec.options.filter((o) => args[o.arg] !== undefined).map((o) => [o.arg, expectedValue(o, args[o.arg], own)]),
  );
}
