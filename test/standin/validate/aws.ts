// AWS validation (§1.5). Credentials mode: a signed IAM call (stand-in for STS GetCallerIdentity).
// Assume-role mode: read the role from the IAM endpoint (moto) and judge its trust policy as STS would,
// because moto's STS does not enforce trust policies or the sts:ExternalId condition.
import { GetRoleCommand, GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import type { Item } from '../catalog';
import { validationError } from '../errors';
import { Opts } from '../rules/opts';
import { awsExternalId } from '../store';
import { textOrSecret, type ValidateCtx } from './context';

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Principal?: string | { AWS?: string | string[] };
  Condition?: Record<string, Record<string, string | string[]>>;
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function allowsAssumeRole(s: Statement, effect = 'Allow'): boolean {
  return s.Effect === effect && asArray(s.Action).some((a) => a === 'sts:AssumeRole' || a === 'sts:*' || a === '*');
}
function trustsPrincipal(s: Statement, principalArn: string): boolean {
  if (s.Principal === '*') return true;
  const account = principalArn.split(':')[4];
  const p = typeof s.Principal === 'object' ? asArray(s.Principal.AWS) : [];
  return p.some((x) => x === '*' || x === principalArn || x === account || x === `arn:aws:iam::${account}:root`);
}
const likePattern = (v: string) =>
  new RegExp(
    '^' +
      v
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.') +
      '$',
  );
/** IAM's string condition operators (without IfExists), for a key that is present. */
const STRING_OPS: Record<string, (actual: string, values: string[]) => boolean> = {
  StringEquals: (a, vs) => vs.includes(a),
  StringNotEquals: (a, vs) => !vs.includes(a),
  StringEqualsIgnoreCase: (a, vs) => vs.some((v) => v.toLowerCase() === a.toLowerCase()),
  StringNotEqualsIgnoreCase: (a, vs) => !vs.some((v) => v.toLowerCase() === a.toLowerCase()),
  StringLike: (a, vs) => vs.some((v) => likePattern(v).test(a)),
  StringNotLike: (a, vs) => !vs.some((v) => likePattern(v).test(a)),
};
/**
 * Does the statement's Condition hold for a request carrying `externalId` (undefined = none)? As IAM
 * evaluates it: a missing key fails a positive operator, satisfies a negated one, and satisfies any
 * operator with IfExists (which is why `StringEqualsIfExists` does not require an external ID); `Null`
 * tests presence. Operators on sts:ExternalId outside the String family fail closed.
 */
function conditionHolds(s: Statement, externalId: string | undefined): boolean {
  for (const [rawOp, kv] of Object.entries(s.Condition ?? {})) {
    const ifExists = rawOp.endsWith('IfExists');
    const op = rawOp.replace(/IfExists$/, '');
    for (const [key, expected] of Object.entries(kv)) {
      if (key.toLowerCase() !== 'sts:externalid') continue; // other condition keys are not modelled
      const values = asArray(expected).map(String);
      if (op === 'Null') {
        if (values.includes('true') !== (externalId === undefined)) return false;
        continue;
      }
      const test = STRING_OPS[op];
      if (!test) return false;
      if (externalId === undefined) {
        if (ifExists || op.includes('Not')) continue;
        return false;
      }
      if (!test(externalId, values)) return false;
    }
  }
  return true;
}
/** STS's verdict: some Allow statement admits the request and no Deny statement matches it. */
function canAssume(
  doc: { Statement?: Statement | Statement[] },
  principal: string,
  externalId: string | undefined,
): boolean {
  const matches = (effect: string) =>
    asArray(doc.Statement).some(
      (s) => allowsAssumeRole(s, effect) && trustsPrincipal(s, principal) && conditionHolds(s, externalId),
    );
  return matches('Allow') && !matches('Deny');
}

function client(ctx: ValidateCtx, creds = { accessKeyId: 'test', secretAccessKey: 'test' }, endpoint?: string) {
  return new IAMClient({
    region: 'us-east-1',
    endpoint: endpoint ?? ctx.awsIamEndpoint,
    credentials: creds,
    maxAttempts: 1,
  });
}

export async function validateAws(ctx: ValidateCtx, item: Item): Promise<void> {
  const o = new Opts(item.options ?? []);
  if (!ctx.awsIamEndpoint && !o.text('ENDPOINT'))
    throw validationError(
      'AWS validation is not available: the stand-in has no IAM endpoint (awsIamEndpoint) configured',
    );
  const arn = o.text('ASSUME ROLE ARN');
  if (!arn) {
    const iam = client(
      ctx,
      {
        accessKeyId: textOrSecret(ctx, o.get('ACCESS KEY ID')) ?? '',
        secretAccessKey: textOrSecret(ctx, o.get('SECRET ACCESS KEY')) ?? '',
      },
      ctx.awsIamEndpoint ?? o.text('ENDPOINT'),
    );
    try {
      await iam.send(new GetUserCommand({}));
    } catch (e) {
      throw validationError((e as Error).message);
    } finally {
      iam.destroy();
    }
    return;
  }
  const principal = ctx.aws.connectionRoleArn;
  const externalId = awsExternalId(ctx.aws, item.id);
  const denied = () =>
    validationError(
      `User: ${principal.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/${item.id} is not authorized to perform: sts:AssumeRole on resource: ${arn}`,
    );
  const roleName = arn.split('/').pop() ?? '';
  const iam = client(ctx);
  let doc: { Statement?: Statement | Statement[] };
  try {
    const r = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    // STS finds the role by its whole ARN (account and path): a role of that name elsewhere is not it.
    if (r.Role?.Arn !== arn) throw denied();
    doc = JSON.parse(decodeURIComponent(r.Role?.AssumeRolePolicyDocument ?? '{}'));
  } catch (e) {
    if ((e as { code?: string }).code === '58000') throw e;
    if ((e as Error).name === 'NoSuchEntityException') throw denied();
    throw validationError((e as Error).message);
  } finally {
    iam.destroy();
  }
  if (!canAssume(doc, principal, externalId)) throw denied();
  // §1.5: assuming the role without the external id must fail, else the trust policy is insecure.
  if (canAssume(doc, principal, undefined))
    throw validationError(
      'role trust policy does not require an external ID',
      `The trust policy for the connection's role (${arn}) is insecure and allows any Materialize customer to assume the role.`,
      'See: https://materialize.com/s/aws-connection-role-trust-policy',
    );
}
