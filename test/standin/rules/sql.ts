// §1.10 POSTGRES, MYSQL, SQL SERVER plan rules.
import { planError } from '../errors';
import type { Catalog } from '../catalog';
import { invalidConnection, type Opts } from './opts';
import { checkReferenceKind } from './refs';

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

/** §statement.rs `build_tunnel_definition`: the tunnel's kind, or both given. */
function tunnels(o: Opts, cat: Catalog): void {
  if (o.has('SSH TUNNEL') && o.has('AWS PRIVATELINK'))
    throw planError('cannot specify both SSH TUNNEL and AWS PRIVATELINK');
  checkReferenceKind(cat, o.refId('SSH TUNNEL'), 'SSH TUNNEL');
  checkReferenceKind(cat, o.refId('AWS PRIVATELINK'), 'AWS PRIVATELINK');
}

function tlsIdentity(o: Opts): void {
  if (o.has('SSL KEY') !== o.has('SSL CERTIFICATE'))
    throw planError(invalidConnection('both SSL KEY and SSL CERTIFICATE are required'));
}

const required = (o: Opts, names: string[]) => {
  for (const k of names) if (!o.has(k)) throw planError(`${k} option is required`);
};

// §connection.rs: each type checks its TLS identity, SSL MODE, PrivateLink PORT and tunnel before the
// required options (they are taken last, as the connection struct is built).
export function planPostgres(o: Opts, cat: Catalog): void {
  tlsIdentity(o);
  const mode = o.text('SSL MODE');
  // §1.10: case-sensitive for POSTGRES.
  if (mode !== undefined && !PG_SSL_MODES.includes(mode))
    throw planError(invalidConnection(`unknown SSL MODE "${mode}"`));
  privatelinkPortCheck(o, 'POSTGRES');
  tunnels(o, cat);
  required(o, ['DATABASE', 'HOST', 'USER']);
}

export function planMysql(o: Opts, cat: Catalog): void {
  checkReferenceKind(cat, o.refId('AWS CONNECTION'), 'AWS CONNECTION');
  if (o.has('AWS CONNECTION') && o.has('PASSWORD'))
    throw planError(invalidConnection('AWS IAM authentication is not supported with password'));
  tlsIdentity(o);
  const mode = o.text('SSL MODE');
  // §1.10: case-insensitive for MYSQL.
  if (mode !== undefined && !MYSQL_SSL_MODES.includes(mode.toUpperCase()))
    throw planError(invalidConnection(`unknown SSL MODE "${mode}"`));
  if (o.has('AWS CONNECTION') && (mode === undefined || mode.toUpperCase() === 'DISABLED'))
    throw planError(invalidConnection('AWS IAM authentication requires SSL to be enabled'));
  privatelinkPortCheck(o, 'MYSQL');
  tunnels(o, cat);
  required(o, ['HOST', 'USER']);
}

export function planSqlServer(o: Opts, cat: Catalog): void {
  const mode = o.text('SSL MODE');
  if (mode?.toUpperCase() === 'VERIFY_CA' && !o.has('SSL CERTIFICATE AUTHORITY'))
    throw planError(invalidConnection("SSL MODE 'verify_ca' requires SSL CERTIFICATE AUTHORITY"));
  if (mode !== undefined && !SQLSERVER_SSL_MODES.includes(mode.toUpperCase()))
    throw planError(invalidConnection(`unknown SSL MODE "${mode}"`));
  privatelinkPortCheck(o, 'SQL SERVER');
  tunnels(o, cat);
  required(o, ['HOST', 'DATABASE', 'USER', 'PASSWORD']);
}
