// A parser for the Materialize statements the stand-in interprets (grammar §1.1, §3.1, §4.1–§4.3, §5.6).
// Materialize's own parser has already accepted the text (see mzparser.ts), so this only builds an AST.
// Returns null for statements it does not interpret; those go to the SQL engine unchanged.
import type {
  AlterAction,
  BrokerTunnel,
  ConnOption,
  ConnectionType,
  Name,
  ObjectKind,
  Statement,
  Value,
  WithOption,
} from './ast';
import { MzError, SQLSTATE } from './errors';
import { tokenize, type Token } from './lexer';
import { CONNECTION_TYPES, OPTION_WORDS, canonicalOption } from './options';

/** Privilege types Materialize's parser knows, in its display order (privilege_grants.slt error texts). */
export const PRIVILEGE_TYPES = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'USAGE',
  'CREATE',
  'CREATEROLE',
  'CREATEDB',
  'CREATECLUSTER',
  'CREATENETWORKPOLICY',
];

class P {
  private i = 0;
  constructor(
    private toks: Token[],
    private sql: string,
  ) {}

  peek(o = 0): Token {
    return this.toks[Math.min(this.i + o, this.toks.length - 1)];
  }
  next(): Token {
    return this.toks[this.i++];
  }
  isWord(w: string, o = 0): boolean {
    const t = this.peek(o);
    // Numbers count as words here so that option names like `PUBLIC KEY 1` match.
    return (t.kind === 'word' || t.kind === 'number') && t.value === w.toLowerCase();
  }
  isWords(...ws: string[]): boolean {
    return ws.every((w, k) => this.isWord(w, k));
  }
  eatWord(w: string): boolean {
    if (this.isWord(w)) {
      this.i++;
      return true;
    }
    return false;
  }
  eatWords(...ws: string[]): boolean {
    if (this.isWords(...ws)) {
      this.i += ws.length;
      return true;
    }
    return false;
  }
  expectWord(w: string): void {
    if (!this.eatWord(w)) this.fail(w.toUpperCase());
  }
  isOp(op: string, o = 0): boolean {
    const t = this.peek(o);
    return t.kind === 'op' && t.value === op;
  }
  eatOp(op: string): boolean {
    if (this.isOp(op)) {
      this.i++;
      return true;
    }
    return false;
  }
  expectOp(op: string): void {
    if (!this.eatOp(op)) this.fail(op);
  }
  fail(expected: string): never {
    const t = this.peek();
    const found = t.kind === 'eof' ? 'EOF' : t.kind === 'op' ? t.value : `${t.kind} ${'value' in t ? t.value : ''}`;
    throw new MzError(`Expected ${expected}, found ${found}`, SQLSTATE.syntax);
  }
  atEnd(): boolean {
    while (this.isOp(';')) this.i++;
    return this.peek().kind === 'eof';
  }
  rest(): string {
    const start = this.peek().pos;
    return this.sql.slice(start).replace(/[\s;]+$/, '');
  }

  ident(): string {
    const t = this.next();
    if (t.kind === 'word' || t.kind === 'ident') return t.value;
    this.i--;
    return this.fail('identifier');
  }
  name(): Name {
    const parts = [this.ident()];
    while (this.isOp('.')) {
      this.i++;
      parts.push(this.ident());
    }
    return parts;
  }

  // ---- values -------------------------------------------------------------------------------------
  value(): Value {
    const t = this.peek();
    if (t.kind === 'string') {
      this.i++;
      return { t: 'string', v: t.value };
    }
    if (t.kind === 'number') {
      this.i++;
      return { t: 'number', v: t.value };
    }
    if (t.kind === 'op' && t.value === '-' && this.peek(1).kind === 'number') {
      this.i += 2;
      return { t: 'number', v: '-' + (this.toks[this.i - 1] as { value: string }).value };
    }
    if (t.kind === 'op' && (t.value === '(' || t.value === '[')) {
      return { t: 'seq', items: this.sequence(() => this.value()) };
    }
    if (
      t.kind === 'word' &&
      t.value === 'secret' &&
      this.peek(1).kind !== 'eof' &&
      !this.isOp(',', 1) &&
      !this.isOp(')', 1)
    ) {
      this.i++;
      return { t: 'secret', name: this.name() };
    }
    if (t.kind === 'word' && (t.value === 'true' || t.value === 'false')) {
      this.i++;
      return { t: 'bool', v: t.value === 'true' };
    }
    if (t.kind === 'word' || t.kind === 'ident') {
      const name = this.name();
      if (name.length === 1) return { t: 'ident', v: name[0], quoted: t.kind === 'ident' };
      return { t: 'object', name };
    }
    return this.fail('option value');
  }

  sequence<T>(item: () => T): T[] {
    const close = this.next().kind === 'op' && (this.toks[this.i - 1] as { value: string }).value === '[' ? ']' : ')';
    const out: T[] = [];
    if (this.eatOp(close)) return out;
    do out.push(item());
    while (this.eatOp(','));
    this.expectOp(close);
    return out;
  }

  /** A BROKERS element: a static broker, or a `MATCHING '<pattern>' USING AWS PRIVATELINK` rule. */
  brokersItem(): Value {
    if (!this.eatWord('matching')) return this.broker();
    const t = this.next();
    if (t.kind !== 'string') {
      this.i--;
      return this.fail('literal string');
    }
    this.expectWord('using');
    this.expectWord('aws');
    this.expectWord('privatelink');
    return { t: 'rule', pattern: t.value, tunnel: this.privatelinkTunnel() };
  }

  privatelinkTunnel(): Extract<BrokerTunnel, { kind: 'privatelink' }> {
    const name = this.name();
    const options: { name: 'AVAILABILITY ZONE' | 'PORT'; value: Value }[] = [];
    if (this.eatOp('(')) {
      do {
        if (this.eatWords('availability', 'zone')) {
          this.eatOp('=');
          options.push({ name: 'AVAILABILITY ZONE', value: this.value() });
        } else {
          this.expectWord('port');
          this.eatOp('=');
          options.push({ name: 'PORT', value: this.value() });
        }
      } while (this.eatOp(','));
      this.expectOp(')');
    }
    return { kind: 'privatelink', name, options };
  }

  broker(): Value {
    const address = this.value();
    let tunnel: BrokerTunnel | undefined;
    if (this.eatWord('using')) {
      if (this.eatWords('ssh', 'tunnel')) tunnel = { kind: 'ssh', name: this.name() };
      else if (this.eatWords('aws', 'privatelink')) tunnel = this.privatelinkTunnel();
      else this.fail('one of SSH or AWS');
    }
    return { t: 'broker', address, tunnel };
  }

  optionName(): string {
    for (const words of OPTION_WORDS) {
      if (this.isWords(...words.map((w) => w.toLowerCase()))) {
        this.i += words.length;
        return canonicalOption(words.join(' '));
      }
    }
    return this.fail('option name');
  }

  connOption(): ConnOption {
    const name = this.optionName();
    this.eatOp('=');
    let value: Value;
    if (name === 'BROKER') value = this.broker();
    else if (name === 'BROKERS') value = { t: 'seq', items: this.sequence(() => this.brokersItem()) };
    else if (name === 'SSH TUNNEL' || name === 'AWS CONNECTION' || name === 'GCP CONNECTION') {
      value =
        this.isWord('secret') || this.peek().kind === 'string' || this.peek().kind === 'number'
          ? this.value()
          : { t: 'object', name: this.name() };
    } else if (name === 'AWS PRIVATELINK') {
      if (this.peek().kind === 'word' || this.peek().kind === 'ident') {
        const n = this.name();
        let port: string | undefined;
        if (this.eatOp('(')) {
          this.expectWord('port');
          this.eatOp('=');
          const v = this.value();
          port = v.t === 'number' ? v.v : undefined;
          if (port === undefined || !/^\d+$/.test(port) || Number(port) > 65535)
            throw new MzError('Could not parse value into port', SQLSTATE.syntax);
          this.expectOp(')');
        }
        value = { t: 'privatelink', name: n, port };
      } else value = this.value();
    } else value = this.value();
    return { name, value };
  }

  withOptions(): { opts: WithOption[]; raw: string } {
    const opts: WithOption[] = [];
    const start = this.peek().pos;
    this.expectOp('(');
    do {
      const t = this.peek();
      const s = t.pos;
      const name = this.ident().toUpperCase();
      let value: Value | undefined;
      if (this.eatOp('=') || (!this.isOp(',') && !this.isOp(')'))) value = this.value();
      opts.push({ name, value, raw: this.sql.slice(s, this.peek().pos).trim() });
    } while (this.eatOp(','));
    this.expectOp(')');
    return { opts, raw: this.sql.slice(start, this.toks[this.i - 1].pos + 1) };
  }

  objectType(): ObjectKind | undefined {
    for (const k of [
      'connection',
      'secret',
      'schema',
      'database',
      'role',
      'table',
      'view',
      'source',
      'sink',
    ] as const) {
      if (this.eatWord(k)) return k;
    }
    return undefined;
  }

  // ---- statements ---------------------------------------------------------------------------------
  statement(): Statement | null {
    if (this.eatWord('create')) return this.create();
    if (this.eatWord('alter')) return this.alter();
    if (this.eatWord('drop')) return this.drop();
    if (this.eatWord('comment')) return this.comment();
    if (this.eatWord('grant')) return this.privileges('grant');
    if (this.eatWord('revoke')) return this.privileges('revoke');
    if (this.eatWord('validate')) {
      this.expectWord('connection');
      return { kind: 'validate_connection', name: this.name() };
    }
    if (this.eatWord('show')) return this.show();
    if (this.isWord('begin') || this.isWords('start', 'transaction')) return { kind: 'begin' };
    if (this.isWord('commit') || this.isWord('end')) return { kind: 'commit' };
    if (this.isWord('rollback') || this.isWord('abort')) return { kind: 'rollback' };
    if (this.eatWord('set')) return this.set();
    if (this.eatWord('reset')) {
      if (this.eatWord('all')) return { kind: 'set', variable: 'all', value: null, local: false };
      return { kind: 'set', variable: this.name().join('.'), value: null, local: false };
    }
    return null;
  }

  create(): Statement | null {
    if (this.eatWord('connection')) {
      const ifNotExists = this.eatWords('if', 'not', 'exists');
      const name = this.name();
      if (!this.eatWord('to')) this.expectWord('for');
      let type: ConnectionType | undefined;
      for (const ct of CONNECTION_TYPES) {
        if (this.isWords(...ct.words.map((w) => w.toLowerCase()))) {
          this.i += ct.words.length;
          type = ct.type;
          break;
        }
      }
      if (!type) return this.fail('connection type');
      this.expectOp('(');
      const options: ConnOption[] = [];
      if (!this.isOp(')')) {
        do options.push(this.connOption());
        while (this.eatOp(','));
      }
      this.expectOp(')');
      const withOpts = this.eatWord('with') ? this.withOptions().opts : [];
      return { kind: 'create_connection', ifNotExists, name, type, options, with: withOpts };
    }
    if (this.eatWord('secret')) {
      const ifNotExists = this.eatWords('if', 'not', 'exists');
      const name = this.name();
      this.expectWord('as');
      return { kind: 'create_secret', ifNotExists, name, expr: this.rest() };
    }
    if (this.eatWord('schema')) {
      const ifNotExists = this.eatWords('if', 'not', 'exists');
      return { kind: 'create_schema', ifNotExists, name: this.name() };
    }
    if (this.eatWord('database')) {
      const ifNotExists = this.eatWords('if', 'not', 'exists');
      return { kind: 'create_database', ifNotExists, name: this.ident() };
    }
    if (this.eatWord('role') || this.eatWord('user')) return this.createRole();
    return null;
  }

  /** CREATE ROLE name [WITH] [LOGIN | NOLOGIN | SUPERUSER | NOSUPERUSER | INHERIT | PASSWORD 'text' | PASSWORD NULL]... */
  createRole(): Statement | null {
    const role = { kind: 'create_role' as const, name: this.ident(), superuser: false } as Extract<
      Statement,
      { kind: 'create_role' }
    >;
    this.eatWord('with');
    while (!this.atEnd() && !this.isOp(';')) {
      if (this.eatWord('login')) role.login = true;
      else if (this.eatWord('nologin')) role.login = false;
      else if (this.eatWord('superuser')) role.superuser = true;
      else if (this.eatWord('nosuperuser')) role.superuser = false;
      else if (this.eatWord('inherit')) continue;
      else if (this.eatWord('password')) {
        const t = this.next();
        if (t.kind === 'string') role.password = t.value;
        else if (!(t.kind === 'word' && t.value === 'null')) return this.fail('password');
      } else return this.fail('role attribute');
    }
    return role;
  }

  /** GRANT|REVOKE { priv [, ...] | ALL [PRIVILEGES] } ON { CONNECTION | SECRET } name [, ...] { TO | FROM } role [, ...] */
  privileges(kind: 'grant' | 'revoke'): Statement | null {
    const privileges: string[] = [];
    if (this.eatWord('all')) {
      this.eatWord('privileges');
      privileges.push('ALL');
    } else
      do {
        const word = PRIVILEGE_TYPES.find((p) => this.isWord(p));
        if (!word) return null;
        this.i++;
        privileges.push(word);
      } while (this.eatOp(','));
    if (!this.eatWord('on')) return null;
    const objectType = this.eatWord('connection') ? 'connection' : this.eatWord('secret') ? 'secret' : undefined;
    if (!objectType) return null;
    const names: Name[] = [];
    do names.push(this.name());
    while (this.eatOp(','));
    this.expectWord(kind === 'grant' ? 'to' : 'from');
    const roles: (string | null)[] = [];
    do {
      const t = this.peek();
      if (t.kind === 'word' && t.value === 'public') {
        this.next();
        roles.push(null);
      } else roles.push(this.ident());
    } while (this.eatOp(','));
    return { kind, objectType, privileges, names, roles };
  }

  alter(): Statement | null {
    const objectType = this.objectType();
    if (!objectType) return null;
    const ifExists = this.eatWords('if', 'exists');
    const name = this.name();
    if (this.eatWords('rename', 'to')) {
      if (objectType !== 'connection' && objectType !== 'secret') return null;
      return { kind: 'rename', objectType, ifExists, name, to: this.ident() };
    }
    if (this.eatWords('owner', 'to')) return { kind: 'owner', objectType, ifExists, name, role: this.ident() };
    if (objectType === 'secret') {
      this.expectWord('as');
      return { kind: 'alter_secret', ifExists, name, expr: this.rest() };
    }
    if (objectType !== 'connection') return null;
    const actions: AlterAction[] = [];
    do {
      if (this.eatWords('rotate', 'keys')) actions.push({ kind: 'rotate' });
      else if (this.eatWord('set')) {
        this.expectOp('(');
        actions.push({ kind: 'set', option: this.connOption() });
        this.expectOp(')');
      } else if (this.eatWord('reset') || this.eatWord('drop')) {
        this.expectOp('(');
        actions.push({ kind: 'drop', name: this.optionName() });
        this.expectOp(')');
      } else this.fail('one of SET or RESET or DROP or ROTATE');
    } while (this.eatOp(','));
    let withOpts: WithOption[] = [];
    let withRaw: string | undefined;
    if (this.eatWord('with')) {
      const w = this.withOptions();
      withOpts = w.opts;
      withRaw = w.raw;
    }
    return { kind: 'alter_connection', ifExists, name, actions, with: withOpts, withRaw };
  }

  drop(): Statement | null {
    const objectType = this.objectType();
    if (!objectType || !['connection', 'secret', 'schema', 'database', 'role'].includes(objectType)) return null;
    const ifExists = this.eatWords('if', 'exists');
    const names: Name[] = [];
    do names.push(this.name());
    while (this.eatOp(','));
    let cascade = false;
    if (this.eatWord('cascade')) cascade = true;
    else this.eatWord('restrict');
    return { kind: 'drop', objectType, ifExists, names, cascade };
  }

  comment(): Statement | null {
    this.expectWord('on');
    const objectType = this.objectType();
    if (!objectType) return null;
    const name = this.name();
    this.expectWord('is');
    const t = this.next();
    if (t.kind === 'word' && t.value === 'null') return { kind: 'comment', objectType, name, comment: null };
    if (t.kind !== 'string') return this.fail('string');
    return { kind: 'comment', objectType, name, comment: t.value };
  }

  show(): Statement | null {
    const redacted = this.eatWord('redacted');
    if (this.eatWords('create', 'connection'))
      return { kind: 'show_create', objectType: 'connection', redacted, name: this.name() };
    for (const what of ['connections', 'secrets', 'schemas', 'databases', 'roles'] as const) {
      if (this.eatWord(what)) {
        const from = this.eatWord('from') || this.eatWord('in') ? this.name() : undefined;
        let like: string | undefined;
        let where: string | undefined;
        if (this.eatWord('like')) {
          const t = this.next();
          if (t.kind !== 'string') return this.fail('literal string');
          like = t.value;
        } else if (this.eatWord('where')) where = this.rest();
        return { kind: 'show_objects', what, from, like, where };
      }
    }
    if (this.peek().kind === 'word' || this.peek().kind === 'ident') {
      const variable = this.name().join('.');
      if (this.atEnd()) return { kind: 'show_variable', variable };
    }
    return null;
  }

  set(): Statement | null {
    let local = false;
    if (this.eatWord('local')) local = true;
    else this.eatWord('session');
    if (this.eatWords('transaction') || this.eatWords('session', 'characteristics')) return null;
    const variable = this.name().join('.');
    if (!this.eatOp('=')) this.expectWord('to');
    if (this.eatWord('default')) return { kind: 'set', variable, value: null, local };
    const parts: string[] = [];
    do {
      const t = this.next();
      if (t.kind === 'string' || t.kind === 'number' || t.kind === 'word' || t.kind === 'ident')
        parts.push(String(t.value));
      else if (t.kind === 'op' && t.value === '-' && this.peek().kind === 'number')
        parts.push('-' + String((this.next() as { value: string }).value));
      else return this.fail('variable value');
    } while (this.eatOp(','));
    return { kind: 'set', variable, value: parts.join(', '), local };
  }
}

/** Parses one statement (already split by Materialize's parser). Null = not interpreted by the stand-in. */
export function parseStatement(sql: string): Statement | null {
  const p = new P(tokenize(sql), sql);
  return p.statement();
}
