// Round trip: for arbitrary valid arguments of every kind, reading back what the renderer wrote gives the
// same options (references resolved, as the renderer qualifies them) and location. The same holds for
// the other styles SHOW CREATE uses across versions, produced here from the renderer's text: minimally
// quoted names, bare-identifier values, options without `=`, pretty-printed lines, a trailing `;`, and
// the PUBLIC KEY options of SSH tunnels. Every variant is first checked by Materialize's own parser.
import fc from 'fast-check';
import { createConnectionSql } from '../../../provider/render';
import { parseShowCreateConnection } from '../../../provider/read/show-create';
import { connectionKinds, specFor } from '../../../provider/specs';
import { quoteLiteral, resolveLocation } from '../../../provider/sql/quote';
import { assertMaterializeStatement } from '../../support/mz-parser';
import { argsArbitrary, expectedOptions, hostileText } from './arbitraries';

const NUM_RUNS = Number(process.env.READ_NUM_RUNS ?? 200);

/** Words left quoted by the minimal style: reserved words and the grammar words around names and values. */
const KEEP_QUOTED = new Set([
  ...['with', 'select', 'from', 'where', 'group', 'having', 'qualify', 'window', 'order', 'limit', 'offset'],
  ...['fetch', 'options', 'returning', 'union', 'except', 'intersect'],
  ...['as', 'to', 'for', 'using', 'secret', 'if', 'not', 'exists', 'create', 'connection', 'true', 'false', 'null'],
]);
const SIMPLE = /^[a-z_][a-z0-9_]*$/;

export interface Style {
  /** Leave identifiers unquoted where they need no quotes (SHOW CREATE's "simple" mode). */
  unquote: boolean;
  /** Write simple top-level text values as bare identifiers (`SECURITY PROTOCOL = plaintext`). */
  bareValues: boolean;
  /** Leave out every `=` (the grammar makes it optional); not combined with bare values. */
  dropEquals: boolean;
  /** One option a line, as newer versions' pretty printer does. */
  pretty: boolean;
  semicolon: boolean;
  /** Append PUBLIC KEY 1/2 to the option list, as SSH tunnels' create_sql has them. */
  publicKeys?: [string, string];
}

/** Re-render the renderer's statement in another style, scanning it token by token. */
export function restyle(sql: string, style: Style): string {
  let out = '';
  let depth = 0;
  let optionsClosed = false;
  let i = 0;
  const readQuoted = (q: string): { raw: string; value: string } => {
    let j = i + 1;
    let value = '';
    for (;;) {
      if (sql[j] === q) {
        if (sql[j + 1] === q) {
          value += q;
          j += 2;
          continue;
        }
        break;
      }
      value += sql[j++];
    }
    const raw = sql.slice(i, j + 1);
    i = j + 1;
    return { raw, value };
  };
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === "'") {
      const { raw, value } = readQuoted("'");
      const next = sql.slice(i).trimStart()[0];
      const bare =
        style.bareValues &&
        !style.dropEquals &&
        depth === 1 &&
        out.trimEnd().endsWith('=') &&
        (next === ',' || next === ')') &&
        SIMPLE.test(value) &&
        !KEEP_QUOTED.has(value);
      out += bare ? value : raw;
    } else if (ch === '"') {
      const { raw, value } = readQuoted('"');
      out += style.unquote && SIMPLE.test(value) && !KEEP_QUOTED.has(value) ? value : raw;
    } else if (ch === '=' && style.dropEquals) {
      i += sql[i + 1] === ' ' ? 2 : 1;
      out = out.trimEnd() + ' ';
    } else if (ch === '(') {
      depth++;
      out += style.pretty && depth === 1 ? '(\n    ' : '(';
      i++;
    } else if (ch === ')') {
      if (depth === 1 && !optionsClosed) {
        optionsClosed = true;
        if (style.publicKeys)
          out += `, PUBLIC KEY 1 = ${quoteLiteral(style.publicKeys[0])}, PUBLIC KEY 2 = ${quoteLiteral(style.publicKeys[1])}`;
        if (style.pretty) out += '\n';
      }
      depth--;
      out += ')';
      i++;
    } else if (ch === ',' && depth === 1 && style.pretty) {
      out += ',\n   ';
      i++;
    } else {
      out += ch;
      i++;
    }
  }
  return style.semicolon ? out + ';' : out;
}

const styleArbitrary = (ssh: boolean): fc.Arbitrary<Style> =>
  fc.record(
    {
      unquote: fc.boolean(),
      bareValues: fc.boolean(),
      dropEquals: fc.boolean(),
      pretty: fc.boolean(),
      semicolon: fc.boolean(),
      publicKeys: ssh ? fc.tuple(hostileText, hostileText) : fc.constant(undefined),
    },
    { requiredKeys: ['unquote', 'bareValues', 'dropEquals', 'pretty', 'semicolon'] },
  );

describe.each(connectionKinds)('%s', (kind) => {
  const spec = specFor(kind);

  test('parse(render(args)) gives back the options and location', () => {
    fc.assert(
      fc.property(argsArbitrary(spec), (args) => {
        const sql = createConnectionSql(kind, args);
        assertMaterializeStatement(sql, 'create_connection');
        const own = resolveLocation(args as never);
        expect(parseShowCreateConnection(sql)).toStrictEqual({
          kind,
          location: own,
          options: expectedOptions(spec, args, own),
        });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  test('the same through minimal quoting, bare values, no `=`, pretty printing, `;` and PUBLIC KEYs', () => {
    fc.assert(
      fc.property(argsArbitrary(spec), styleArbitrary(kind === 'ssh-tunnel'), (args, style) => {
        const sql = restyle(createConnectionSql(kind, args), style);
        assertMaterializeStatement(sql.replace(/;$/, ''), 'create_connection');
        const own = resolveLocation(args as never);
        const parsed = parseShowCreateConnection(sql);
        expect(parsed.kind).toBe(kind);
        expect(parsed.location).toStrictEqual(own);
        expect(parsed.options).toStrictEqual(expectedOptions(spec, args, own));
        expect(parsed.publicKeys).toStrictEqual(style.publicKeys);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

/** The top-level options of a rendered CREATE CONNECTION, split at depth-1 commas outside literals and quotes. */
/** The index of the first `(` outside quoted identifiers and literals (names may contain ` (`). */
function optionsOpen(sql: string): number {
  let quote: string | undefined;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (quote) {
      if (ch === quote) quote = sql[i + 1] === quote ? (i++, quote) : undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') return i;
  }
  throw new Error(`no option list in ${sql}`);
}

function splitOptions(sql: string): { head: string; options: string[]; tail: string } {
  const open = optionsOpen(sql);
  let depth = 0;
  let quote: string | undefined;
  const cuts: number[] = [];
  let close = -1;
  for (let i = open; i < sql.length && close < 0; i++) {
    const ch = sql[i];
    if (quote) {
      if (ch === quote) quote = sql[i + 1] === quote ? (i++, quote) : undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) close = i;
    else if (ch === ',' && depth === 1) cuts.push(i);
  }
  const bounds = [open, ...cuts, close];
  const options = bounds.slice(0, -1).map((b, k) => sql.slice(b + 1, bounds[k + 1]).trim());
  return { head: sql.slice(0, open + 1), options, tail: sql.slice(close) };
}

// Materialize prints options sorted by name (materialize-newest-features.md §7.2, §11), in an order that changed
// between versions: the reader must not depend on the order at all.
describe.each(connectionKinds)('%s, options in any order', (kind) => {
  const spec = specFor(kind);
  test('parse(any permutation of the options) gives the same arguments', () => {
    fc.assert(
      fc.property(argsArbitrary(spec), fc.func(fc.integer()), (args, order) => {
        const sql = createConnectionSql(kind, args);
        const { head, options, tail } = splitOptions(sql);
        const shuffled = [...options].sort((a, b) => order(a) - order(b) || (a < b ? -1 : 1));
        const permuted = head + shuffled.join(', ') + tail;
        assertMaterializeStatement(permuted, 'create_connection');
        expect(parseShowCreateConnection(permuted)).toStrictEqual(parseShowCreateConnection(sql));
      }),
      { numRuns: NUM_RUNS / 2 },
    );
  });
});

test('restyle: the minimal style of a simple statement is what SHOW CREATE prints', () => {
  const sql = createConnectionSql('kafka', { name: 'conn', brokers: ['abcd'], securityProtocol: 'plaintext' });
  expect(restyle(sql, { unquote: true, bareValues: true, dropEquals: false, pretty: false, semicolon: true })).toBe(
    `CREATE CONNECTION materialize.public.conn TO KAFKA (BROKERS = ('abcd'), SECURITY PROTOCOL = plaintext);`,
  );
});

test('splitOptions cuts only at top-level commas', () => {
  const sql = createConnectionSql('kafka', {
    name: 'k',
    brokers: [
      "a,'b",
      { matching: '*', awsPrivatelink: { connection: { name: 'p,l' }, port: 1, availabilityZone: 'z' } },
    ],
    securityProtocol: 'PLAINTEXT',
  });
  expect(splitOptions(sql).options).toEqual([
    `BROKERS = ('a,''b', MATCHING '*' USING AWS PRIVATELINK "materialize"."public"."p,l" (AVAILABILITY ZONE = 'z', PORT = 1))`,
    `SECURITY PROTOCOL = 'PLAINTEXT'`,
  ]);
});
