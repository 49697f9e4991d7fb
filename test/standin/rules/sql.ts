// §1.10 POSTGRES, MYSQL, SQL SERVER plan rules.
import { planError } from '../errors';
import { invalidConnection, type Opts } from './opts';

export const PG_SSL_MODES = ['disable', 'require', 'required', 'verify_ca', 'verify-ca', 'verify_full', 'verify-full'];
export const MYSQL_SSL_MODES = [
  'DISABLED',
  'REQUIRED',
  'REQUIRE',
  'VERIFY_CA',
  'VERIFY-CA',
  'VERIFY_IDENTITY',
  'VERIFY-IDENTITY',
];
export const SQLSERVER_SSL_MODES = ['DISABLED', 'REQUIRED', 'VERIFY', 'VERIFY_CA'];

export function privatelinkPortCheck(o: Opts, type: string): void {
  const pl = o.get('AWS PRIVATELINK');
  if (pl?.t === 'privatelink' && pl.port !== undefined)
    throw planError(invalidConnection(`${type} does not support PORT for AWS PRIVATELINK`));
}

function tunnels(o: Opts): void {
  if (o.has('SSH TUNNEL') && o.has('AWS PRIVATELINK'))
    throw planError('cannot specify both SSH TUNNEL and AWS PRIVATELINK');
}

export function planPostgres(o: Opts): void {
  for (const k of ['DATABASE', 'HOST', 'USER']) if (!o.has(k)) throw planError(`${k} option is required`);
  if (o.has('SSL KEY') !== o.has('SSL CERTIFICATE'))
    throw planError(invalidConnection('both SSL KEY and SSL CERTIFICATE are required'));
  const mode = o.text('SSL MODE');
  // §1.10: case-sensitive for POSTGRES.
  if (mode !== undefined && !PG_SSL_MODES.includes(mode))
    throw planError(invalidConnection(`unknown SSL MODE "${mode}"`));
  privatelinkPortCheck(o, 'POSTGRES');
  tunnels(o);
}

export function planMysql(o: Opts): void {
  for (const k of ['HOST', 'USER']) if (!o.has(k)) throw planError(`${k} option is required`);
  if (o.has('SSL KEY') !== o.has('SSL CERTIFICATE'))
    throw planError(invalidConnection('both SSL KEY and SSL CERTIFICATE are required'));
  const mode = o.text('SSL MODE');
  // §1.10: case-insensitive for MYSQL; message shaped like the PG one [inferred].
  if (mode !== undefined && !MYSQL_SSL_MODES.includes(mode.toUpperCase()))
    throw planError(invalidConnection(`unknown SSL MODE "${mode}"`));
  if (o.has('AWS CONNECTION')) {
    if (o.has('PASSWORD')) throw planError(invalidConnection('AWS IAM authentication is not supported with password'));
    if (mode === undefined || mode.toUpperCase() === 'DISABLED')
      throw planError(invalidConnection('AWS IAM authentication requires SSL to be enabled'));
  }
  privatelinkPortCheck(o, 'MYSQL');
  tunnels(o);
}

export function planSqlServer(o: Opts): void {
  for (const k of ['HOST', 'DATABASE', 'USER', 'PASSWORD']) if (!o.has(k)) throw planError(`${k} option is required`);
  const mode = o.text('SSL MODE');
  if (mode !== undefined && !SQLSERVER_SSL_MODES.includes(mode.toUpperCase()))
    throw planError(invalidConnection(`unknown SSL MODE "${mode}"`)); // [inferred]
  if (mode?.toUpperCase() === 'VERIFY_CA' && !o.has('SSL CERTIFICATE AUTHORITY'))
    throw planError(invalidConnection("SSL MODE 'verify_ca' requires SSL CERTIFICATE AUTHORITY"));
  privatelinkPortCheck(o, 'SQL SERVER');
  tunnels(o);
}
