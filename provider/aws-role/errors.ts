// IAM failures as a Pulumi user should read them: what was being done, AWS's own message, and what to do.
// Credentials of the environment never appear, whatever an SDK message carries.
import { MaterializeError, scrub } from '../lifecycle/errors';
import { awsErrorName } from './iam';

export class AwsRoleError extends MaterializeError {
  constructor(message: string, code?: string) {
    super(message, code);
    this.name = 'AwsRoleError';
  }
}

/** Values that must never reach a message: the credentials the AWS SDK's default chain may read. */
export function credentialValues(env: NodeJS.ProcessEnv = process.env): string[] {
  return ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']
    .map((k) => env[k])
    .filter((v): v is string => !!v);
}

function advice(name: string, roleName: string): string | undefined {
  if (/AccessDenied|UnauthorizedOperation|InvalidClientTokenId|SignatureDoesNotMatch|ExpiredToken/.test(name))
    return (
      'the AWS credentials in use (the SDK default chain, or aws.profile) may not do this: they need ' +
      `iam:CreateRole, iam:GetRole, iam:UpdateAssumeRolePolicy, iam:PutRolePolicy, iam:AttachRolePolicy, iam:TagRole, ` +
      `iam:DeleteRole and the matching List/Detach/Delete actions on role ${roleName}`
    );
  if (/^EntityAlreadyExists/.test(name))
    return (
      `role ${roleName} already exists (IAM role names are unique in an account whatever their case) and this ` +
      'resource does not manage it. If Pulumi is replacing this resource itself (`pulumi up --replace`, ' +
      '`pulumi state taint`, `replacementTrigger`), it creates the new role before deleting the old one: set the ' +
      'resource option `deleteBeforeReplace: true`. Otherwise set adoptExisting: true to take the role over, ' +
      'choose another roleName, or delete the role'
    );
  if (/^LimitExceeded/.test(name))
    return (
      "a policy is over IAM's size quota: a trust policy may hold 2,048 characters by default (raise ACLSizePerRole " +
      'in Service Quotas up to 4,096, or give fewer connections to one role); inline policies 10,240 per role ' +
      '(move some to managedPolicyArns)'
    );
  if (/^MalformedPolicyDocument/.test(name))
    return 'IAM refused a policy document: check inlinePolicies (and the principals of the connections)';
  if (/^NoSuchEntity/.test(name)) return 'something named here does not exist in IAM (a managed policy ARN?)';
  return undefined;
}

/** An IAM SDK error as an AwsRoleError: `<doing>: <AWS name>: <AWS message>. <what to check>`. */
export function iamError(err: unknown, doing: string, roleName: string, secrets: readonly string[] = []): AwsRoleError {
  const name = awsErrorName(err);
  const message = (err as Error)?.message ?? String(err);
  const hint = advice(name, roleName);
  const said = hint ? message.replace(/\.+$/, '') : message;
  const text = `${doing}: ${name ? `${name}: ` : ''}${said}${hint ? `. ${hint[0].toUpperCase()}${hint.slice(1)}` : ''}`;
  return new AwsRoleError(scrub(text, [...credentialValues(), ...secrets]), name || undefined);
}
