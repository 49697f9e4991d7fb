// Per-connection session state: variables (§6), transaction state, identity for the statement log.
import type { Statement } from './ast';
import type { Session } from './catalog';
import { MzError } from './errors';

const DEFAULTS: Record<string, string> = {
  application_name: '',
  client_encoding: 'UTF8',
  cluster: 'quickstart',
  database: 'materialize',
  datestyle: 'ISO, MDY',
  extra_float_digits: '3',
  idle_in_transaction_session_timeout: '2 min',
  integer_datetimes: 'on',
  intervalstyle: 'postgres',
  search_path: 'public',
  server_version: '9.5.0',
  server_version_num: '90500',
  standard_conforming_strings: 'on',
  statement_timeout: '1 min',
  timezone: 'UTC',
  transaction_isolation: 'strict serializable',
};

export type TxnState = 'idle' | 'block' | 'failed';

export class ClientSession implements Session {
  vars: Record<string, string> = { ...DEFAULTS };
  txn: TxnState = 'idle';
  /** The statement queued in an explicit transaction, applied at COMMIT (§6). */
  pending: { stmt: Statement; sql: string } | null = null;
  /** Whether the open transaction block has run a read (SELECT/SHOW). */
  readInTxn = false;
  constructor(
    public readonly id: number,
    public readonly user: string,
    startupParams: Record<string, string>,
  ) {
    for (const [k, v] of Object.entries(startupParams)) {
      const key = k.toLowerCase();
      if (key === 'user') continue;
      if (key === 'options') continue;
      this.vars[key] = v;
    }
    if (!startupParams.database) this.vars.database = 'materialize';
  }
  get database(): string {
    return this.vars.database;
  }
  get searchPath(): string[] {
    return this.vars.search_path
      .split(',')
      .map((s) => s.trim().replace(/^"(.*)"$/, '$1'))
      .filter(Boolean);
  }
  get applicationName(): string {
    return this.vars.application_name ?? '';
  }
  set(variable: string, value: string | null): void {
    const key = variable.toLowerCase();
    if (key === 'all' && value === null) {
      this.vars = { ...DEFAULTS, database: this.vars.database };
      return;
    }
    if (!(key in DEFAULTS) && !key.includes('.'))
      throw new MzError(`unrecognized configuration parameter "${key}"`, '42704');
    this.vars[key] = value === null ? (DEFAULTS[key] ?? '') : value;
  }
  show(variable: string): string {
    const key = variable.toLowerCase();
    if (!(key in this.vars)) throw new MzError(`unrecognized configuration parameter "${key}"`, '42704');
    return this.vars[key];
  }
}
