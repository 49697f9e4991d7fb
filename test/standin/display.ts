// How Materialize prints a statement it refuses inside a transaction block: `AdapterError::OperationProhibitsTransaction(
// stmt.to_string())` (§command_handler.rs), the statement's AST display, e.g. secret.slt (newest):
// `CREATE SECRET t_secret AS 'text' cannot be run inside a transaction block`. Rendered here for the statements
// whose display is simple; the others fall back to their kind (`CREATE CONNECTION`) [unverified].
import type { Name, Statement } from './ast';
import { statementKind } from './executor';
import { simpleName } from './names';

const name = (n: Name) => simpleName(n);

export function statementDisplay(st: Statement): string {
  switch (st.kind) {
    case 'create_secret':
      return `CREATE SECRET ${st.ifNotExists ? 'IF NOT EXISTS ' : ''}${name(st.name)} AS ${st.expr}`;
    case 'alter_secret':
      return `ALTER SECRET ${st.ifExists ? 'IF EXISTS ' : ''}${name(st.name)} AS ${st.expr}`;
    case 'validate_connection':
      return `VALIDATE CONNECTION ${name(st.name)}`;
    case 'drop':
      return `DROP ${st.objectType.toUpperCase()} ${st.ifExists ? 'IF EXISTS ' : ''}${st.names.map(name).join(', ')}${st.cascade ? ' CASCADE' : ''}`;
    case 'rename':
      return `ALTER ${st.objectType.toUpperCase()} ${st.ifExists ? 'IF EXISTS ' : ''}${name(st.name)} RENAME TO ${name([st.to])}`;
    default:
      return statementKind(st);
  }
}
