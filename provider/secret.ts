// CREATE / ALTER SECRET. The value travels as decode(base64) so any string arrives byte-exact (§4.1).
import type { SecretArgs } from './args';
import { locationReplaces, objectChangeSql, type AlterPlan } from './objects';
import { qualifiedName } from './sql/quote';
import { secretValueExpression } from './sql/secret-value';

export function createSecretSql(args: SecretArgs): string {
  return `CREATE SECRET ${qualifiedName(args)} AS ${secretValueExpression(args.value)}`;
}

export function alterSecretSql(olds: SecretArgs, news: SecretArgs): AlterPlan {
  const replaces = locationReplaces(olds, news);
  if (replaces.length) return { statements: [], replaces };
  const statements: string[] = [];
  // The value first, under the old name, so a failed rename never leaves a renamed secret with a stale value.
  if (olds.value !== news.value)
    statements.push(`ALTER SECRET ${qualifiedName(olds)} AS ${secretValueExpression(news.value)}`);
  statements.push(...objectChangeSql('secret', olds, news));
  return { statements, replaces: [] };
}
