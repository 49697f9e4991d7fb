// Hostile names and values (quotes, backslashes, unicode, keywords, newlines, empty strings): every
// statement still parses as exactly one statement of the expected kind in Materialize's parser, and
// names and values round-trip.
import fc from 'fast-check';
import {
  alterConnectionSql,
  createConnectionSql,
  createSecretSql,
  dropSql,
  quoteIdent,
  quoteLiteral,
  validateConnection,
  validateSecret,
} from '../support/checked-provider';

const hostileChars = [
  '"',
  "'",
  '\\',
  ' ',
  '\n',
  '\t',
  '.',
  ',',
  ';',
  '(',
  ')',
  '-',
  '$',
  'é',
  '🔑',
  '\u200b',
  '*',
  '/',
];
const keywords = ['select', 'SECRET', 'connection', 'with', 'TO', 'drop', 'user', 'FROM', 'null', 'true'];
const hostile = fc.oneof(
  fc.string({ unit: fc.constantFrom(...hostileChars, 'a', 'Z', '0'), maxLength: 12 }),
  fc.constantFrom(...keywords),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
);
const identifier = hostile.filter(
  (s) => s.length > 0 && s !== '.' && s !== '..' && !s.includes('\0') && Buffer.byteLength(s) <= 255,
);
const text = hostile.filter((s) => !s.includes('\0'));

/** Independent decoders of the two quoting forms: read one token from the start of `sql`. */
function readQuoted(sql: string, quote: string): { value: string; rest: string } {
  if (sql[0] !== quote) throw new Error(`expected ${quote} at: ${sql}`);
  let value = '';
  for (let i = 1; i < sql.length; i++) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) {
        value += quote;
        i++;
      } else return { value, rest: sql.slice(i + 1) };
    } else value += sql[i];
  }
  throw new Error('unterminated');
}

function readQualifiedName(sql: string): { parts: string[]; rest: string } {
  const parts: string[] = [];
  let rest = sql;
  for (;;) {
    const r = readQuoted(rest, '"');
    parts.push(r.value);
    rest = r.rest;
    if (rest[0] !== '.') return { parts, rest };
    rest = rest.slice(1);
  }
}

test('quoteIdent and quoteLiteral are inverted by the SQL quoting rules', () => {
  fc.assert(
    fc.property(identifier, text, (id, lit) => {
      expect(readQuoted(quoteIdent(id), '"')).toEqual({ value: id, rest: '' });
      expect(readQuoted(quoteLiteral(lit), "'")).toEqual({ value: lit, rest: '' });
    }),
    { numRuns: 500 },
  );
});

test('CREATE SECRET: one statement; name and value round-trip byte-exact', () => {
  fc.assert(
    fc.property(
      identifier,
      identifier,
      identifier,
      fc.string({ unit: 'binary', maxLength: 64 }),
      (name, schemaName, databaseName, value) => {
        fc.pre(value.isWellFormed());
        const args = { name, schemaName, databaseName, value };
        expect(validateSecret(args)).toEqual([]);
        const sql = createSecretSql(args);
        const head = 'CREATE SECRET ';
        expect(sql.startsWith(head)).toBe(true);
        const { parts, rest } = readQualifiedName(sql.slice(head.length));
        expect(parts).toEqual([databaseName, schemaName, name]);
        const m = /^ AS decode\('([A-Za-z0-9+/=]*)', 'base64'\)$/.exec(rest);
        expect(m).not.toBeNull();
        expect(Buffer.from(m![1], 'base64').toString('utf8')).toBe(value);
      },
    ),
    { numRuns: 300 },
  );
});

test('CREATE CONNECTION with hostile names, references and text values: one statement; values round-trip', () => {
  fc.assert(
    fc.property(identifier, identifier, text, text, identifier, (name, schemaName, host, user, tunnel) => {
      const args = { name, schemaName, host, user, database: host, sshTunnel: { name: tunnel } };
      expect(validateConnection('postgres', args)).toEqual([]);
      const sql = createConnectionSql('postgres', args);
      const { parts, rest } = readQualifiedName(sql.slice('CREATE CONNECTION '.length));
      expect(parts).toEqual(['materialize', schemaName, name]);
      let r = rest.slice(' TO POSTGRES (HOST = '.length);
      const h = readQuoted(r, "'");
      expect(h.value).toBe(host);
      r = h.rest.slice(', DATABASE = '.length);
      const d = readQuoted(r, "'");
      expect(d.value).toBe(host);
      r = d.rest.slice(', USER = '.length);
      const u = readQuoted(r, "'");
      expect(u.value).toBe(user);
      const t = readQualifiedName(u.rest.slice(', SSH TUNNEL = '.length));
      expect(t.parts).toEqual(['materialize', schemaName, tunnel]);
      expect(t.rest).toBe(')');
    }),
    { numRuns: 300 },
  );
});

test('ALTER, RENAME, COMMENT and DROP with hostile names and values parse as one statement each', () => {
  fc.assert(
    fc.property(
      identifier,
      identifier,
      text,
      text,
      fc.array(
        text.filter((s) => !s.includes(',') && s !== ''),
        { minLength: 1, maxLength: 3 },
      ),
      (name, newName, host, comment, brokers) => {
        const olds = { name, brokers: ['seed:9092'] };
        const news = { name: newName, brokers, comment, sslCertificateAuthority: host, securityProtocol: 'SSL' };
        const plan = alterConnectionSql('kafka', olds, news);
        expect(plan.replaces).toEqual([]);
        expect(plan.statements.length).toBeGreaterThanOrEqual(2);
        dropSql('connection', { name: newName, dropCascade: true });
      },
    ),
    { numRuns: 300 },
  );
});
