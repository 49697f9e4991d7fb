// The generic catalog reader: turns the text of SHOW CREATE CONNECTION (or mz_connections.create_sql)
// back into the plain-data arguments of provider/args.ts, driven entirely by the connection specs.
// Option names map to OptionSpecs through their keywords; values are read by OptionSpec.value.type.
// Adding a connection type needs only a new spec.
//
// Accepted (materialize-semantics.md §1.1, §5.6, §5.8, §7, §10):
// - quoted ("a""b") and unquoted (folded to lower case) identifiers, names of 1 to 3 parts;
// - `TO` or `FOR`, `IF NOT EXISTS`, options with or without `=`, `USERNAME` for `USER`;
// - string literals ('' escapes, E'...', $$...$$), numbers, bare identifiers as text (lower-cased);
// - `SECRET <name>`, resolved references `[u1 AS "db"."schema"."name"]`;
// - brokers in (...) or [...], per-broker USING SSH TUNNEL / USING AWS PRIVATELINK x (...), and `BROKER 'x'`;
//   `MATCHING 'pattern' USING AWS PRIVATELINK x (...)` rules among them;
// - options in any order (Materialize sorts them by name; the reader keys them by name);
// - `AWS PRIVATELINK x (PORT n)`, lists in (...) or [...];
// - `PUBLIC KEY 1/2` (returned as publicKeys, never as options);
// - any whitespace and comments, a trailing `WITH (...)` clause (ignored) and `;`.
// Unknown options throw: a reader that drops what it does not know would hide drift.
import type { BrokerPrivatelink, BrokerRule, BrokerSpec, ObjectRef } from '../args';
import { connectionSpecs, type ConnectionKind, type ConnectionSpec, type OptionSpec } from '../specs';
import { DEFAULT_DATABASE, DEFAULT_SCHEMA } from '../sql/quote';
import { SqlReadError, tokenize, type Token } from './lexer';

export { SqlReadError } from './lexer';

export interface ObjectLocationRead {
  databaseName: string;
  schemaName: string;
  name: string;
}

export interface ParsedConnection {
  kind: ConnectionKind;
  location: ObjectLocationRead;
  /** Arguments keyed by the spec's camelCase `arg`, in the plain-data shape of provider/args.ts. */
  options: Record<string, unknown>;
  /** PUBLIC KEY 1 and 2 (SSH TUNNEL) when the text has them; never part of `options`. */
  publicKeys?: [string, string];
}

/** Where an unqualified or partly qualified statement name lives; defaults to materialize.public. */
export interface ReadDefaults {
  databaseName?: string;
  schemaName?: string;
}

/** How the reader treats one option name. */
type Entry =
  | { what: 'option'; keyword: string; spec: OptionSpec; single: boolean }
  | { what: 'public-key'; keyword: string; index: 0 | 1 };

interface KindTable {
  spec: ConnectionSpec;
  /** Option names as upper-case word sequences, longest first so that the longest name wins. */
  entries: { words: string[]; entry: Entry }[];
}

/** Alternative spellings Materialize's grammar accepts for an option (§1.1): alias → canonical keyword. */
const KEYWORD_ALIASES: Readonly<Record<string, string>> = { USERNAME: 'USER' };

/** Options the server writes that are outputs, not arguments (§1.9, §5.6). */
const PUBLIC_KEYS = ['PUBLIC KEY 1', 'PUBLIC KEY 2'] as const;

/** Sub-options in `AWS PRIVATELINK x (...)`: the key in the plain-data shape and the value reader. */
const PRIVATELINK_SUBOPTIONS: Readonly<Record<string, { key: 'port' | 'availabilityZone'; type: 'port' | 'text' }>> = {
  PORT: { key: 'port', type: 'port' },
  'AVAILABILITY ZONE': { key: 'availabilityZone', type: 'text' },
};

let tables: Map<ConnectionKind, KindTable> | undefined;

function kindTables(): Map<ConnectionKind, KindTable> {
  if (tables) return tables;
  tables = new Map();
  for (const spec of Object.values(connectionSpecs)) {
    const entries: KindTable['entries'] = [];
    const add = (keyword: string, entry: Entry): void => {
      entries.push({ words: keyword.split(' '), entry });
    };
    for (const opt of spec.options) {
      add(opt.keyword, { what: 'option', keyword: opt.keyword, spec: opt, single: false });
      // A list of brokers also comes as one broker under the singular name: `BROKER 'x'` (§1.1).
      if (opt.value.type === 'brokers' && opt.keyword.endsWith('S'))
        add(opt.keyword.slice(0, -1), { what: 'option', keyword: opt.keyword.slice(0, -1), spec: opt, single: true });
      for (const [alias, canonical] of Object.entries(KEYWORD_ALIASES))
        if (canonical === opt.keyword) add(alias, { what: 'option', keyword: opt.keyword, spec: opt, single: false });
    }
    PUBLIC_KEYS.forEach((keyword, index) => add(keyword, { what: 'public-key', keyword, index: index as 0 | 1 }));
    entries.sort((a, b) => b.words.length - a.words.length);
    tables.set(spec.kind, { spec, entries });
  }
  return tables;
}

/** Every option keyword any spec knows, for error messages. */
/** The most words any option name has: an unknown option is named from at most this many words. */
const MAX_OPTION_WORDS = Math.max(
  ...Object.values(connectionSpecs).flatMap((s) => s.options.map((o) => o.keyword.split(' ').length)),
);

/** Up to MAX_OPTION_WORDS keywords from the reader's position; bounded so a long run of words stays cheap. */
function wordsAhead(r: Reader): string[] {
  const words: string[] = [];
  for (let j = 0; j < MAX_OPTION_WORDS && r.keywordAt(j) !== undefined; j++) words.push(r.keywordAt(j)!);
  return words;
}

function knownElsewhere(keyword: string, except: ConnectionKind): string[] {
  return Object.values(connectionSpecs)
    .filter((s) => s.kind !== except && s.options.some((o) => o.keyword === keyword))
    .map((s) => s.sqlType);
}

class Reader {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly sql: string,
  ) {}

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }

  next(): Token {
    const t = this.peek();
    if (t.type !== 'eof') this.i++;
    return t;
  }

  fail(message: string, token: Token = this.peek()): never {
    throw new SqlReadError(message, this.sql, token.pos);
  }

  /** Upper-case text of an unquoted word or a number (option names are keyword sequences), else undefined. */
  keywordAt(offset = 0): string | undefined {
    const t = this.peek(offset);
    return t.type === 'word' || t.type === 'number' ? t.value.toUpperCase() : undefined;
  }

  isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.type === 'word' && t.value === word.toLowerCase();
  }

  eatWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.i++;
    return true;
  }

  expectWord(word: string, what = word): void {
    if (!this.eatWord(word)) this.fail(`expected ${what}, found ${describe(this.peek())}`);
  }

  isPunct(ch: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.type === 'punct' && t.value === ch;
  }

  eatPunct(ch: string): boolean {
    if (!this.isPunct(ch)) return false;
    this.i++;
    return true;
  }

  expectPunct(ch: string, what = `"${ch}"`): void {
    if (!this.eatPunct(ch)) this.fail(`expected ${what}, found ${describe(this.peek())}`);
  }

  /** Skip tokens up to the parenthesis or bracket matching the one just consumed. */
  skipBalanced(open: Token): void {
    let depth = 1;
    while (depth > 0) {
      const t = this.next();
      if (t.type === 'eof') this.fail(`unbalanced "${open.value}"`, open);
      if (t.type === 'punct' && (t.value === '(' || t.value === '[')) depth++;
      if (t.type === 'punct' && (t.value === ')' || t.value === ']')) depth--;
    }
  }

  /** End of statement: an optional `;`, then nothing. */
  end(): void {
    this.eatPunct(';');
    if (this.peek().type !== 'eof') this.fail(`expected end of statement, found ${describe(this.peek())}`);
  }
}

function describe(t: Token): string {
  switch (t.type) {
    case 'eof':
      return 'end of statement (the text looks truncated)';
    case 'word':
      return `"${t.value.toUpperCase()}"`;
    case 'ident':
      return `identifier ${JSON.stringify(t.value.length > 64 ? `${t.value.slice(0, 61)}...` : t.value)}`;
    case 'string':
      // Never the text: a literal in create_sql may be a credential given as text.
      return `a string literal (${t.value.length} character${t.value.length === 1 ? '' : 's'})`;
    case 'number':
      return `number ${t.value}`;
    case 'punct':
      return `"${t.value}"`;
  }
}

/** An identifier: unquoted (already folded) or quoted. */
function readIdent(r: Reader): string {
  const t = r.peek();
  if (t.type !== 'word' && t.type !== 'ident') r.fail(`expected a name, found ${describe(t)}`);
  r.next();
  return t.value;
}

/** `a`, `a.b` or `a.b.c`. */
function readNameParts(r: Reader): string[] {
  const first = r.peek();
  const parts = [readIdent(r)];
  while (r.eatPunct('.')) parts.push(readIdent(r));
  if (parts.length > 3) r.fail(`a name has 1 to 3 parts, found ${parts.length}: ${parts.join('.')}`, first);
  return parts;
}

/** A reference as written: `name`, `schema.name`, `db.schema.name`, or the resolved `[u1 AS db.schema.name]`. */
function readRef(r: Reader): ObjectRef {
  let parts: string[];
  if (r.isPunct('[')) {
    r.next();
    const id = r.peek();
    if (id.type !== 'word' && id.type !== 'ident') r.fail(`expected an object id after "[", found ${describe(id)}`);
    r.next();
    r.expectWord('AS', 'AS in a resolved reference [<id> AS <name>]');
    parts = readNameParts(r);
    r.expectPunct(']', '"]" closing a resolved reference');
  } else parts = readNameParts(r);
  const [name, schemaName, databaseName] = [...parts].reverse();
  const ref: ObjectRef = { name };
  if (schemaName !== undefined) ref.schemaName = schemaName;
  if (databaseName !== undefined) ref.databaseName = databaseName;
  return ref;
}

/** Whether the next tokens are `SECRET <name>` (as opposed to a bare identifier value `secret`). */
function atSecretRef(r: Reader): boolean {
  if (!r.isWord('SECRET')) return false;
  const t = r.peek(1);
  return t.type === 'word' || t.type === 'ident' || (t.type === 'punct' && t.value === '[');
}

function readSecretRef(r: Reader, keyword: string): ObjectRef {
  if (!atSecretRef(r)) r.fail(`${keyword} takes SECRET <name>, found ${describe(r.peek())}`);
  r.next();
  return readRef(r);
}

/** Text: a string literal, a bare identifier (already lower-cased) or a quoted identifier. */
function readText(r: Reader, keyword: string): string {
  const t = r.peek();
  if (atSecretRef(r)) r.fail(`${keyword} takes text, not a SECRET reference`);
  if (t.type === 'string' || t.type === 'word' || t.type === 'ident' || t.type === 'number') {
    r.next();
    return t.value;
  }
  return r.fail(`${keyword} takes text, found ${describe(t)}`);
}

function readInteger(r: Reader, keyword: string, min: number, max: number): number {
  const sign = r.isPunct('-') ? -1 : 1;
  if (r.isPunct('-') || r.isPunct('+')) r.next();
  const t = r.peek();
  if (t.type !== 'number') r.fail(`${keyword} takes a number, found ${describe(t)}`);
  const value = sign * Number(t.value);
  if (!Number.isInteger(value) || value < min || value > max)
    r.fail(`${keyword} takes an integer from ${min} to ${max}, found ${sign < 0 ? '-' : ''}${t.value}`);
  r.next();
  return value;
}

/** `( a, b )` or `[ a, b ]`; a single value counts as a one-element list. */
function readList<T>(r: Reader, keyword: string, item: () => T): T[] {
  const open = r.peek();
  if (!r.isPunct('(') && !r.isPunct('[')) return [item()];
  r.next();
  const close = open.value === '(' ? ')' : ']';
  const items: T[] = [];
  if (r.eatPunct(close)) return items;
  do items.push(item());
  while (r.eatPunct(','));
  r.expectPunct(close, `"," or "${close}" in the ${keyword} list`);
  return items;
}

/** `<ref> [( PORT [=] n, AVAILABILITY ZONE [=] 'az' )]`, the sub-options limited to `allowed`. */
function readPrivatelink(r: Reader, keyword: string, allowed: readonly string[]): BrokerPrivatelink {
  const pl: BrokerPrivatelink = { connection: readRef(r) };
  if (!r.isPunct('(')) return pl;
  r.next();
  const seen = new Set<string>();
  do {
    const start = r.peek();
    const name = allowed.find((k) => k.split(' ').every((w, j) => r.keywordAt(j) === w));
    if (!name) {
      const words = wordsAhead(r);
      r.fail(
        `unknown option ${words.join(' ') || describe(start)} in ${keyword} (...); expected ${allowed.join(' or ')}`,
      );
    }
    name.split(' ').forEach(() => r.next());
    if (seen.has(name)) r.fail(`${name} specified more than once in ${keyword} (...)`, start);
    seen.add(name);
    r.eatPunct('=');
    const sub = PRIVATELINK_SUBOPTIONS[name];
    const value =
      sub.type === 'port' ? readInteger(r, `${keyword} ${name}`, 0, 65535) : readText(r, `${keyword} ${name}`);
    Object.assign(pl, { [sub.key]: value });
  } while (r.eatPunct(','));
  r.expectPunct(')', `"," or ")" in ${keyword} (...)`);
  return pl;
}

/** `MATCHING '<pattern>' USING AWS PRIVATELINK <ref> [(...)]`, a broker rule (addendum §3.1). */
function readBrokerRule(r: Reader, keyword: string): BrokerRule {
  r.expectWord('MATCHING');
  const t = r.peek();
  if (t.type !== 'string') r.fail(`MATCHING in ${keyword} takes a quoted pattern, found ${describe(t)}`);
  r.next();
  r.expectWord('USING', `USING AWS PRIVATELINK after MATCHING '${t.value}'`);
  r.expectWord('AWS', `AWS PRIVATELINK after MATCHING '${t.value}' USING`);
  r.expectWord('PRIVATELINK', `AWS PRIVATELINK after MATCHING '${t.value}' USING`);
  return {
    matching: t.value,
    awsPrivatelink: readPrivatelink(r, 'USING AWS PRIVATELINK', Object.keys(PRIVATELINK_SUBOPTIONS)),
  };
}

/**
 * `'address' [USING SSH TUNNEL <ref>] [USING AWS PRIVATELINK <ref> [(...)]]`, or a MATCHING rule inside a list;
 * plain addresses stay strings.
 */
function readBroker(r: Reader, keyword: string, rules = false): string | BrokerSpec | BrokerRule {
  if (rules && r.isWord('MATCHING')) return readBrokerRule(r, keyword);
  const t = r.peek();
  if (t.type !== 'string') r.fail(`${keyword} takes a quoted broker address, found ${describe(t)}`);
  r.next();
  const broker: BrokerSpec = { address: t.value };
  while (r.eatWord('USING')) {
    if (r.isWord('SSH') && r.isWord('TUNNEL', 1)) {
      r.next();
      r.next();
      if (broker.sshTunnel) r.fail(`broker '${t.value}' has USING SSH TUNNEL more than once`);
      broker.sshTunnel = readRef(r);
    } else if (r.isWord('AWS') && r.isWord('PRIVATELINK', 1)) {
      r.next();
      r.next();
      if (broker.awsPrivatelink) r.fail(`broker '${t.value}' has USING AWS PRIVATELINK more than once`);
      broker.awsPrivatelink = readPrivatelink(r, 'USING AWS PRIVATELINK', Object.keys(PRIVATELINK_SUBOPTIONS));
    } else r.fail(`expected SSH TUNNEL or AWS PRIVATELINK after USING, found ${describe(r.peek())}`);
  }
  return broker.sshTunnel || broker.awsPrivatelink ? broker : broker.address;
}

/** The value of one option, read by the spec's value kind. */
function readValue(r: Reader, entry: Extract<Entry, { what: 'option' }>, keyword: string): unknown {
  const v = entry.spec.value;
  switch (v.type) {
    case 'text':
      return readText(r, keyword);
    case 'secret':
      return readSecretRef(r, keyword);
    case 'text-or-secret':
      return atSecretRef(r) ? readSecretRef(r, keyword) : readText(r, keyword);
    case 'port':
      return readInteger(r, keyword, 0, 65535);
    case 'positive-integer':
      return readInteger(r, keyword, -(2 ** 31), 2 ** 31 - 1);
    case 'text-list':
      return readList(r, keyword, () => readText(r, keyword));
    case 'connection':
      return readRef(r);
    case 'privatelink': {
      const pl = readPrivatelink(r, keyword, ['PORT']);
      return pl.port === undefined ? { connection: pl.connection } : { connection: pl.connection, port: pl.port };
    }
    case 'brokers':
      if (entry.single) return [readBroker(r, keyword)];
      if (!r.isPunct('(') && !r.isPunct('['))
        r.fail(`${keyword} takes a list of brokers in (...) or [...], found ${describe(r.peek())}`);
      return readList(r, keyword, () => readBroker(r, keyword, true));
  }
}

/** Match the longest option name of the kind at the reader's position. */
function matchOption(r: Reader, table: KindTable): { words: string[]; entry: Entry } | undefined {
  return table.entries.find((e) => e.words.every((w, j) => r.keywordAt(j) === w));
}

function unknownOption(r: Reader, table: KindTable): never {
  const start = r.peek();
  const words = wordsAhead(r);
  if (words.length === 0) r.fail(`expected an option name, found ${describe(start)}`);
  // The longest prefix some other type knows names the option best (e.g. `DATABASE 'x'` → DATABASE).
  let name = words.join(' ');
  let elsewhere: string[] = [];
  for (let len = words.length; len > 0; len--) {
    const candidate = words.slice(0, len).join(' ');
    const types = knownElsewhere(candidate, table.spec.kind);
    if (types.length) {
      name = candidate;
      elsewhere = types;
      break;
    }
  }
  const known = [...new Set(table.spec.options.map((o) => o.keyword))].join(', ');
  const hint = elsewhere.length ? `; it belongs to ${elsewhere.join(', ')} connections` : '';
  return r.fail(
    `unknown option ${name} for ${table.spec.sqlType} connections (known: ${known})${hint}; ` +
      'the connection spec must describe every option Materialize reports',
    start,
  );
}

function readLocation(r: Reader, defaults: ReadDefaults): ObjectLocationRead {
  const parts = readNameParts(r);
  const [name, schemaName, databaseName] = [...parts].reverse();
  return {
    databaseName: databaseName ?? defaults.databaseName ?? DEFAULT_DATABASE,
    schemaName: schemaName ?? defaults.schemaName ?? DEFAULT_SCHEMA,
    name,
  };
}

function readCreate(r: Reader, object: 'CONNECTION' | 'SECRET'): void {
  const first = r.peek();
  if (!r.isWord('CREATE') || !r.isWord(object, 1)) {
    const words: string[] = [];
    for (let j = 0; j < 3 && r.keywordAt(j) !== undefined; j++) words.push(r.keywordAt(j)!);
    r.fail(`expected a CREATE ${object} statement, found ${words.length ? words.join(' ') : describe(first)}`, first);
  }
  r.next();
  r.next();
  if (r.eatWord('IF')) {
    r.expectWord('NOT', 'NOT EXISTS after IF');
    r.expectWord('EXISTS', 'EXISTS after IF NOT');
  }
}

/** Match the longest `sqlType` of the specs after TO/FOR. */
function readKind(r: Reader): ConnectionSpec {
  const specs = Object.values(connectionSpecs).sort((a, b) => b.sqlType.length - a.sqlType.length);
  const spec = specs.find((s) => s.sqlType.split(' ').every((w, j) => r.keywordAt(j) === w));
  if (!spec)
    r.fail(
      `unknown connection type ${describe(r.peek())}; expected one of ${specs
        .map((s) => s.sqlType)
        .sort()
        .join(', ')}`,
    );
  spec!.sqlType.split(' ').forEach(() => r.next());
  return spec!;
}

/**
 * Parse the `create_sql` of SHOW CREATE CONNECTION (or mz_connections.create_sql) into arguments.
 * References come back exactly as written (`{ name, schemaName?, databaseName? }`); the connection's own
 * location is completed from `defaults` (then materialize.public) when the statement names it partly.
 * Throws SqlReadError on anything it cannot read, naming the offending option or token.
 */
export function parseShowCreateConnection(createSql: string, defaults: ReadDefaults = {}): ParsedConnection {
  const r = new Reader(tokenize(createSql), createSql);
  readCreate(r, 'CONNECTION');
  const location = readLocation(r, defaults);
  if (!r.eatWord('TO') && !r.eatWord('FOR')) r.fail(`expected TO <connection type>, found ${describe(r.peek())}`);
  const spec = readKind(r);
  const table = kindTables().get(spec.kind)!;
  const options: Record<string, unknown> = {};
  const seen = new Map<string, string>();
  const publicKeys: (string | undefined)[] = [undefined, undefined];

  r.expectPunct('(', `"(" opening the ${spec.sqlType} options`);
  if (!r.eatPunct(')')) {
    do {
      const start = r.peek();
      const match = matchOption(r, table) ?? unknownOption(r, table);
      match.words.forEach(() => r.next());
      const { entry } = match;
      const slot = entry.what === 'option' ? entry.spec.arg : entry.keyword;
      const before = seen.get(slot);
      if (before !== undefined)
        r.fail(
          before === entry.keyword
            ? `${entry.keyword} specified more than once`
            : `${before} and ${entry.keyword} both specified`,
          start,
        );
      seen.set(slot, entry.keyword);
      r.eatPunct('=');
      if (entry.what === 'public-key') publicKeys[entry.index] = readText(r, entry.keyword);
      else options[entry.spec.arg] = readValue(r, entry, entry.keyword);
    } while (r.eatPunct(','));
    r.expectPunct(')', `"," or ")" after a ${spec.sqlType} option`);
  }

  if (r.eatWord('WITH')) {
    const open = r.peek();
    r.expectPunct('(', '"(" after WITH');
    r.skipBalanced(open);
  }
  r.end();

  const result: ParsedConnection = { kind: spec.kind, location, options };
  const [key1, key2] = publicKeys;
  if (key1 !== undefined && key2 !== undefined) result.publicKeys = [key1, key2];
  else if (key1 !== undefined || key2 !== undefined)
    throw new SqlReadError(
      `${key1 === undefined ? 'PUBLIC KEY 2' : 'PUBLIC KEY 1'} without ${key1 === undefined ? 'PUBLIC KEY 1' : 'PUBLIC KEY 2'}`,
      createSql,
    );
  return result;
}

/**
 * Parse `CREATE SECRET <name> AS <value>` as SHOW CREATE SECRET / mz_secrets.create_sql print it
 * (`AS '********'`). Only the location is read; the value expression is skipped.
 */
export function parseShowCreateSecret(
  createSql: string,
  defaults: ReadDefaults = {},
): { location: ObjectLocationRead } {
  const r = new Reader(tokenize(createSql), createSql);
  readCreate(r, 'SECRET');
  const location = readLocation(r, defaults);
  r.expectWord('AS', 'AS <value>');
  if (r.peek().type === 'eof' || r.isPunct(';')) r.fail('expected the secret value after AS');
  while (r.peek().type !== 'eof' && !r.isPunct(';')) {
    const t = r.next();
    if (t.type === 'punct' && (t.value === '(' || t.value === '[')) r.skipBalanced(t);
    else if (t.type === 'punct' && (t.value === ')' || t.value === ']')) r.fail(`unbalanced "${t.value}"`, t);
  }
  r.end();
  return { location };
}
