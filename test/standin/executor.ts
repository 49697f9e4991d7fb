// Runs one interpreted statement against the catalog, serializing DDL, then re-projects the catalog tables.
import type { Statement } from './ast';
import { done, type ExecContext, type ExecResult } from './context';
import { alterConnection } from './ddl/alter-connection';
import { createConnection, validateConnectionStmt } from './ddl/connection';
import { drop } from './ddl/drop';
import { grantOrRevoke } from './ddl/grant';
import { comment, createDatabase, createRole, createSchema, owner, rename } from './ddl/misc';
import { alterSecret, createSecret } from './ddl/secret';
import { showCreate, showObjects } from './ddl/show';
import { Mutex } from './mutex';
import { quoteIdent, quoteLiteral } from './names';
import type { ClientSession } from './session';

/** Statement kinds as Materialize names them in `<KIND> cannot be run inside a transaction block` (§6). */
export function statementKind(st: Statement): string {
  switch (st.kind) {
    case 'create_connection':
      return 'CREATE CONNECTION';
    case 'create_secret':
      return 'CREATE SECRET';
    case 'alter_connection':
      return 'ALTER CONNECTION';
    case 'alter_secret':
      return 'ALTER SECRET';
    case 'rename':
    case 'owner':
      return `ALTER ${st.objectType.toUpperCase()}`;
    case 'drop':
      return `DROP ${st.objectType.toUpperCase()}`;
    case 'comment':
      return 'COMMENT';
    case 'validate_connection':
      return 'VALIDATE CONNECTION';
    case 'create_schema':
      return 'CREATE SCHEMA';
    case 'create_database':
      return 'CREATE DATABASE';
    case 'create_role':
      return 'CREATE ROLE';
    case 'grant':
    case 'revoke':
      return st.kind.toUpperCase();
    default:
      return st.kind.toUpperCase();
  }
}

/** Statements that change the catalog. */
export function isDdl(st: Statement): boolean {
  return !['begin', 'commit', 'rollback', 'set', 'show_variable', 'show_create', 'show_objects'].includes(st.kind);
}

/**
 * §6: DDL that may be the single statement of an explicit transaction (applied at COMMIT). Not CREATE SECRET:
 * the newest secret.slt refuses it after START TRANSACTION (older versions accepted it).
 */
export function allowedInTxnBlock(st: Statement): boolean {
  return [
    'create_connection',
    'drop',
    'rename',
    'owner',
    'create_schema',
    'create_database',
    'create_role',
    'comment',
  ].includes(st.kind);
}

export class Executor {
  private ddl = new Mutex();
  constructor(private base: Omit<ExecContext, 'session'>) {}

  async run(st: Statement, session: ClientSession): Promise<ExecResult> {
    const ctx: ExecContext = { ...this.base, session };
    switch (st.kind) {
      case 'set':
        session.set(st.variable, st.value);
        return done(st.value === null && st.variable !== 'all' ? 'SET' : 'SET');
      case 'show_variable': {
        const v = session.show(st.variable);
        return {
          ...done('SELECT 1'),
          query: `SELECT ${quoteLiteral(v)}::text AS ${quoteIdent(st.variable.toLowerCase())}`,
        };
      }
      case 'show_create':
        return showCreate(ctx, st);
      case 'show_objects':
        return showObjects(ctx, st);
      case 'begin':
      case 'commit':
      case 'rollback':
        throw new Error('transaction control is handled by the server');
      default:
        return this.ddl.run(async () => {
          try {
            return await this.dispatch(ctx, st);
          } finally {
            await this.base.store.lock.run(() => this.base.store.flush(this.base.cat));
          }
        });
    }
  }

  private async dispatch(ctx: ExecContext, st: Statement): Promise<ExecResult> {
    switch (st.kind) {
      case 'create_connection':
        return createConnection(ctx, st);
      case 'alter_connection':
        return alterConnection(ctx, st);
      case 'validate_connection':
        return validateConnectionStmt(ctx, st);
      case 'create_secret':
        return createSecret(ctx, st);
      case 'alter_secret':
        return alterSecret(ctx, st);
      case 'rename':
        return rename(ctx, st);
      case 'owner':
        return owner(ctx, st);
      case 'drop':
        return drop(ctx, st);
      case 'comment':
        return comment(ctx, st);
      case 'create_schema':
        return createSchema(ctx, st);
      case 'create_database':
        return createDatabase(ctx, st);
      case 'create_role':
        return createRole(ctx, st);
      case 'grant':
      case 'revoke':
        return grantOrRevoke(ctx, st);
      default:
        throw new Error(`unhandled statement ${st.kind}`);
    }
  }
}
