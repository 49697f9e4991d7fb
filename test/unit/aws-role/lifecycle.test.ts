// The role lifecycle over an in-memory IAM and Materialize: the retry and error paths (IAM eventual
// consistency, access denied, role already exists, policy too large), rollback, drift and ownership.
import { roleLifecycle } from '../../../provider/aws-role/resource';
import { policyJson, trustPolicyFor } from '../../../provider/aws-role/trust-policy';
import { UNKNOWN } from '../../../provider/unknown';
import { awsError, FakeClock, FakeIam, FakeMaterialize, notAuthorized, PRINCIPAL } from './fakes';

const ARN = 'arn:aws:iam::123456789012:role/mz-role';
let iam: FakeIam;
let mz: FakeMaterialize;
let clock: FakeClock;
let role: ReturnType<typeof roleLifecycle>;

beforeEach(() => {
  iam = new FakeIam();
  mz = new FakeMaterialize();
  clock = new FakeClock();
  role = roleLifecycle({ iam: () => iam, materialize: () => mz, clock });
  mz.add('c', 'u1', ARN);
});

async function checked(news: Record<string, unknown>) {
  const r = await role.check({}, news);
  expect(r.failures).toBeUndefined();
  return r.inputs!;
}
const base = { connection: { name: 'c' }, roleName: 'mz-role' };

test('create: role with exactly the trust policy, permissions, then VALIDATE CONNECTION', async () => {
  const inputs = await checked({
    ...base,
    inlinePolicies: { s3: '{ "Version": "2012-10-17", "Statement": [] }' },
    managedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    tags: { team: 'data' },
  });
  const { id, outs } = await role.create(inputs);
  expect(id).toBe('mz-role');
  expect(outs).toMatchObject({
    arn: ARN,
    roleName: 'mz-role',
    trustPolicy: policyJson(trustPolicyFor(PRINCIPAL, 'mz_prefix_u1')),
    externalIds: ['mz_prefix_u1'],
    connectionIds: ['u1'],
    inlinePolicies: { s3: '{"Statement":[],"Version":"2012-10-17"}' },
    managedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    tags: { team: 'data' },
    validated: true,
    drift: [],
  });
  expect(iam.calls.filter((c) => !/^(getRole|inlinePolicies|managedPolicyArns)/.test(c))).toEqual([
    'createRole mz-role',
    'putInlinePolicy mz-role s3',
    'attachPolicy mz-role arn:aws:iam::aws:policy/ReadOnlyAccess',
    'close',
  ]);
  expect(mz.validations).toEqual(['"materialize"."public"."c"']);
});

test('eventual consistency: "not authorized" is retried with growing, bounded waits until STS sees the policy', async () => {
  mz.queue = [notAuthorized(ARN), notAuthorized(ARN), notAuthorized(ARN)];
  const { outs } = await role.create(await checked(base));
  expect(outs.validated).toBe(true);
  expect(mz.validations).toHaveLength(4);
  expect(clock.sleeps).toEqual([1000, 2000, 4000]);
});

test('never validates: fails after validateTimeout with Materialize’s message and what to check; the role is kept', async () => {
  mz.verdict = notAuthorized(ARN);
  const inputs = await checked({ ...base, validateTimeout: 30 });
  const err = await role.create(inputs).catch((e) => e);
  expect(clock.sleeps).toEqual([1000, 2000, 4000, 8000, 10000, 5000]);
  expect(err.message).toBe(
    `${notAuthorized(ARN).message}\n` +
      'VALIDATE CONNECTION "materialize"."public"."c" failed (7 attempts over 30 s). Check: IAM role ' +
      `${ARN} must trust principal ${PRINCIPAL} for sts:AssumeRole with sts:ExternalId mz_prefix_u1 (this resource ` +
      `wrote that trust policy); the connection's ASSUME ROLE ARN must be ${ARN}; IAM changes can take longer to ` +
      'reach STS: raise validateTimeout, or run pulumi up again (the role is kept and validated again).',
  );
  // Reported to Pulumi as created with an error, so the next `up` updates (and validates) it.
  expect(err.id).toBe('mz-role');
  expect(err.properties).toMatchObject({ arn: ARN, validated: false });
  expect(iam.roles.has('mz-role')).toBe(true);

  mz.verdict = undefined;
  const d = await role.diff('mz-role', err.properties, inputs);
  expect(d).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  const { outs } = await role.update('mz-role', err.properties, inputs);
  expect(outs.validated).toBe(true);
});

test('a failure that is not IAM propagation is not retried', async () => {
  mz.verdict = Object.assign(new Error("unknown catalog item 'c'"), { code: 'XX000' });
  const err = await role.create(await checked(base)).catch((e) => e);
  expect(mz.validations).toHaveLength(1);
  expect(clock.sleeps).toEqual([]);
  expect(err.message).toMatch(/^unknown catalog item 'c'\nVALIDATE CONNECTION .* failed \(1 attempt over 0 s\)/);
});

test('access denied on CreateRole: AWS’s message and the permissions needed; nothing made', async () => {
  iam.fail.createRole = [
    awsError(
      'AccessDenied',
      'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::123456789012:role/mz-role',
    ),
  ];
  const err = await role.create(await checked(base)).catch((e) => e);
  expect(err.message).toBe(
    'creating IAM role mz-role: AccessDenied: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ' +
      'iam:CreateRole on resource: arn:aws:iam::123456789012:role/mz-role. The AWS credentials in use (the SDK default ' +
      'chain, or aws.profile) may not do this: they need iam:CreateRole, iam:GetRole, iam:UpdateAssumeRolePolicy, ' +
      'iam:PutRolePolicy, iam:AttachRolePolicy, iam:TagRole, iam:DeleteRole and the matching List/Detach/Delete ' +
      'actions on role mz-role',
  );
  expect(iam.roles.size).toBe(0);
  expect(mz.validations).toEqual([]);
});

test('role already exists: refused, and the existing role is left alone', async () => {
  await iam.createRole({ roleName: 'mz-role', path: '/', trustPolicy: '{"Statement":[]}' });
  const before = await iam.getRole('mz-role');
  iam.calls = [];
  const err = await role.create(await checked(base)).catch((e) => e);
  expect(err.message).toBe(
    'creating IAM role mz-role: EntityAlreadyExistsException: Role with name mz-role already exists. Role mz-role ' +
      'already exists (IAM role names are unique in an account whatever their case) and this resource does not ' +
      'manage it. If Pulumi is replacing this resource itself (`pulumi up --replace`, `pulumi state taint`, ' +
      '`replacementTrigger`), it creates the new role before deleting the old one: set the resource option ' +
      '`deleteBeforeReplace: true`. Otherwise set adoptExisting: true to take the role over, choose another ' +
      'roleName, or delete the role',
  );
  expect(iam.calls).toEqual(['createRole mz-role', 'close']);
  expect(await iam.getRole('mz-role')).toEqual(before);
});

test('policy too large: IAM’s LimitExceeded explained, and the half-made role removed', async () => {
  iam.fail.putInlinePolicy = [
    awsError('LimitExceededException', 'Maximum policy size of 10240 bytes exceeded for role mz-role'),
  ];
  const err = await role.create(await checked({ ...base, inlinePolicies: { big: { Statement: [] } } })).catch((e) => e);
  expect(err.message).toMatch(
    /^putting inline policy big on IAM role mz-role: LimitExceededException: Maximum policy size of 10240 bytes exceeded for role mz-role\. A policy is over IAM's size quota/,
  );
  expect(err.id).toBeUndefined();
  expect(iam.roles.size).toBe(0);
  expect(iam.calls).toContain('deleteRole mz-role');
});

test('policy too large, caught at check: inline policies over 10,240 characters, a trust policy over 4,096', async () => {
  const big = JSON.stringify({ Statement: [{ Sid: 'x'.repeat(10_300) }] });
  expect(big.length).toBe(10_326);
  const r = await role.check({}, { ...base, inlinePolicies: { big } });
  expect(r.failures).toEqual([
    {
      property: 'inlinePolicies',
      reason:
        'inline policies total 10326 characters (without whitespace); IAM allows 10240 per role: use managedPolicyArns for the rest',
    },
  ]);
  const many = Array.from({ length: 120 }, (_, i) => ({
    name: `c${i}`,
    principal: PRINCIPAL,
    externalId: `mz_eb5cb59b-e2fe-41f3-87ca-d2176a495345_u${i}`,
  }));
  const t = await role.check({}, { ...base, connection: many });
  expect(t.failures).toHaveLength(1);
  expect(t.failures![0].property).toBe('connection');
  expect(t.failures![0].reason).toMatch(
    /^the trust policy for these 120 connections is \d+ characters; IAM allows at most 4096 \(2,048 unless ACLSizePerRole was raised\)/,
  );
});

test('check: each bad input named with its rule, before any call', async () => {
  const r = await role.check(
    {},
    {
      connection: [],
      roleName: 'bad name',
      path: 'no-slash',
      managedPolicyArns: ['ReadOnlyAccess'],
      maxSessionDuration: 60,
      tags: { 'aws:x': 'v' },
      aws: { profile: 'p', secretKey: 'x' },
      validate: 'yes',
    },
  );
  expect(r.failures).toEqual([
    { property: 'connection', reason: 'connection must name at least one AwsConnection' },
    { property: 'roleName', reason: 'roleName is required: 1 to 64 characters of letters, digits and +=,.@_-' },
    { property: 'path', reason: 'path must start and end with / (e.g. /materialize/), at most 512 characters' },
    {
      property: 'managedPolicyArns',
      reason: 'managedPolicyArns must be policy ARNs (arn:aws:iam::<account>:policy/<name>)',
    },
    { property: 'maxSessionDuration', reason: 'maxSessionDuration must be whole seconds from 3600 to 43200' },
    { property: 'tags', reason: 'tag key "aws:x" must be 1 to 128 characters, not aws:' },
    { property: 'aws', reason: 'aws.secretKey is not a setting (known: region, profile, endpoint)' },
    { property: 'validate', reason: 'validate must be true or false' },
  ]);
  expect(iam.calls).toEqual([]);
});

test('a connection that assumes another role is refused before anything is made', async () => {
  mz.add('other', 'u2', 'arn:aws:iam::123456789012:role/someone-else');
  const err = await role
    .create(await checked({ ...base, connection: [{ name: 'c' }, { name: 'other' }] }))
    .catch((e) => e);
  expect(err.message).toBe(
    'connection "materialize"."public"."other" assumes arn:aws:iam::123456789012:role/someone-else, not role /mz-role: set its assumeRoleArn to this role\'s ARN',
  );
  expect(iam.calls).toEqual([]);
});

test('update: a replaced connection (new external ID) rewrites the trust policy and validates again', async () => {
  const c = { name: 'c', principal: PRINCIPAL, externalId: 'mz_prefix_u1', connectionId: 'u1' };
  const inputs = await checked({ ...base, connection: c, tags: { a: '1', b: '2' } });
  const { outs } = await role.create(inputs);
  mz.validations = [];
  // Unchanged: no change, no call.
  expect((await role.diff('mz-role', outs, inputs)).changes).toBe(false);

  mz.add('c', 'u9', ARN);
  const next = await checked({
    ...base,
    connection: { ...c, externalId: 'mz_prefix_u9', connectionId: 'u9' },
    tags: { a: '1', c: '3' },
  });
  expect(await role.diff('mz-role', outs, next)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  iam.calls = [];
  const updated = await role.update('mz-role', outs, next);
  expect(iam.calls.filter((x) => !/^(getRole|inlinePolicies|managedPolicyArns|close)/.test(x))).toEqual([
    'updateTrustPolicy mz-role',
    'untagRole mz-role',
    'tagRole mz-role',
  ]);
  expect(updated.outs.trustPolicy).toBe(policyJson(trustPolicyFor(PRINCIPAL, 'mz_prefix_u9')));
  expect(updated.outs.tags).toEqual({ a: '1', c: '3' });
  expect(mz.validations).toEqual(['"materialize"."public"."c"']);
});

test('diff: roleName or path replaces (delete first when the name stays); aws.profile replaces', async () => {
  const { outs } = await role.create(await checked(base));
  expect(await role.diff('mz-role', outs, await checked({ ...base, roleName: 'r2' }))).toEqual({
    changes: true,
    replaces: ['roleName'],
    deleteBeforeReplace: false,
  });
  expect(await role.diff('mz-role', outs, await checked({ ...base, path: '/mz/' }))).toEqual({
    changes: true,
    replaces: ['path'],
    deleteBeforeReplace: true,
  });
  expect((await role.diff('mz-role', outs, await checked({ ...base, aws: { profile: 'prod' } }))).replaces).toEqual([
    'aws',
  ]);
});

test('read: a trust policy that no longer requires the external ID is drift, and the next up rewrites it', async () => {
  const inputs = await checked(base);
  const { outs } = await role.create(inputs);
  await iam.updateTrustPolicy(
    'mz-role',
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: PRINCIPAL }, Action: 'sts:AssumeRole' }],
    }),
  );
  await iam.putInlinePolicy('mz-role', 'extra', '{"Statement":[]}');
  const r = await role.read('mz-role', outs);
  expect(r.props!.drift).toEqual([
    'inlinePolicies differs in IAM',
    'the trust policy no longer requires the external ID: any Materialize customer could assume the role',
  ]);
  expect(r.props!.validated).toBe(false);
  expect(r.inputs!.inlinePolicies).toEqual({ extra: '{"Statement":[]}' });
  expect((await role.diff('mz-role', r.props!, inputs)).changes).toBe(true);
  mz.validations = [];
  const fixed = await role.update('mz-role', r.props!, inputs);
  expect(fixed.outs.trustPolicy).toBe(outs.trustPolicy);
  expect(fixed.outs.inlinePolicies).toEqual({});
  expect(mz.validations).toHaveLength(1);
  expect((await role.read('mz-role', fixed.outs)).props!.drift).toEqual([]);
});

test('delete: detaches, deletes inline policies, deletes the role; idempotent; never another role of that name', async () => {
  const { outs } = await role.create(
    await checked({ ...base, inlinePolicies: { p: '{}' }, managedPolicyArns: ['arn:aws:iam::aws:policy/X'] }),
  );
  iam.calls = [];
  await role.delete('mz-role', outs);
  expect(iam.calls).toEqual([
    'getRole mz-role',
    'managedPolicyArns mz-role',
    'inlinePolicies mz-role',
    'detachPolicy mz-role arn:aws:iam::aws:policy/X',
    'deleteInlinePolicy mz-role p',
    'deleteRole mz-role',
    'close',
  ]);
  await role.delete('mz-role', outs); // already gone
  // Someone made a new role with the same name: not ours, left alone; read says it is gone.
  await iam.createRole({ roleName: 'mz-role', path: '/', trustPolicy: '{}' });
  await role.delete('mz-role', outs);
  expect(iam.roles.has('mz-role')).toBe(true);
  expect(await role.read('mz-role', outs)).toEqual({});
});

test('credentials of the environment never reach a message', async () => {
  const saved = process.env.AWS_SECRET_ACCESS_KEY;
  process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  try {
    iam.fail.createRole = [awsError('SignatureDoesNotMatch', 'signed with wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')];
    const err = await role.create(await checked(base)).catch((e) => e);
    expect(err.message).toMatch(/^creating IAM role mz-role: SignatureDoesNotMatch: signed with \*\*\*\*\*\*\*\*\. /);
  } finally {
    if (saved === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    else process.env.AWS_SECRET_ACCESS_KEY = saved;
  }
});

test('preview: a connection not created yet is unknown; check passes and diff plans a change', async () => {
  const r = await role.check({}, { ...base, connection: UNKNOWN });
  expect(r.failures).toBeUndefined();
  const listed = await role.check({}, { ...base, connection: [UNKNOWN] });
  expect(listed.failures).toBeUndefined();
  const { outs } = await role.create(await checked(base));
  expect(await role.diff('mz-role', outs, listed.inputs!)).toEqual({
    changes: true,
    replaces: [],
    deleteBeforeReplace: false,
  });
});

test('update converges boundary, session length and description; a failure part-way reports the role as IAM has it', async () => {
  const inputs = await checked({ ...base, inlinePolicies: { a: '{}' } });
  const { outs } = await role.create(inputs);
  const next = await checked({
    ...base,
    inlinePolicies: { b: '{}' },
    permissionsBoundary: 'arn:aws:iam::123456789012:policy/boundary',
    maxSessionDuration: 7200,
    description: 'Materialize S3 export',
  });
  iam.fail.deleteInlinePolicy = [awsError('ServiceFailure', 'try again')];
  const err = await role.update('mz-role', outs, next).catch((e) => e);
  expect(err.message).toBe('deleting inline policy a of IAM role mz-role: ServiceFailure: try again');
  // What had been applied is in the reported state: the next run plans from there.
  expect(err.properties).toMatchObject({
    maxSessionDuration: 7200,
    description: 'Materialize S3 export',
    permissionsBoundary: 'arn:aws:iam::123456789012:policy/boundary',
    inlinePolicies: { a: '{}', b: '{}' },
    validated: false,
  });
  const { outs: done } = await role.update('mz-role', err.properties, next);
  expect(done).toMatchObject({ inlinePolicies: { b: '{}' }, maxSessionDuration: 7200, validated: true });
  const back = await role.update('mz-role', done, inputs);
  expect(back.outs).toMatchObject({ maxSessionDuration: 3600, inlinePolicies: { a: '{}' } });
  expect(back.outs.permissionsBoundary).toBeUndefined();
  expect(back.outs.description).toBeUndefined();
});

test('connection given by name: after create, the same inputs are no change (preview --expect-no-changes passes)', async () => {
  const inputs = await checked(base);
  const { outs } = await role.create(inputs);
  expect(await role.diff('mz-role', outs, await checked(base))).toEqual({
    changes: false,
    replaces: [],
    deleteBeforeReplace: false,
  });
  // Another connection by name is a change.
  expect((await role.diff('mz-role', outs, await checked({ ...base, connection: { name: 'd' } }))).changes).toBe(true);
});

test('diff: a roleName that changes only in case replaces delete-first (IAM names ignore case)', async () => {
  const { outs } = await role.create(await checked(base));
  expect(await role.diff('mz-role', outs, await checked({ ...base, roleName: 'MZ-Role' }))).toEqual({
    changes: true,
    replaces: ['roleName'],
    deleteBeforeReplace: true,
  });
});

describe('adoptExisting', () => {
  async function outside(path = '/') {
    await iam.createRole({ roleName: 'mz-role', path, trustPolicy: '{"Version":"2012-10-17","Statement":[]}' });
    return (await iam.getRole('mz-role'))!.roleId;
  }

  test('takes over the role IAM has: trust policy and settings converged, no CreateRole', async () => {
    const roleId = await outside();
    iam.calls = [];
    const { id, outs } = await role.create(await checked({ ...base, adoptExisting: true, tags: { team: 'data' } }));
    expect(id).toBe('mz-role');
    expect(outs).toMatchObject({ roleId, trustPolicy: policyJson(trustPolicyFor(PRINCIPAL, 'mz_prefix_u1')) });
    expect(iam.calls.filter((c) => !/^(getRole|inlinePolicies|managedPolicyArns|close)/.test(c))).toEqual([
      'updateTrustPolicy mz-role',
      'tagRole mz-role',
    ]);
  });

  test('refuses a role at another path, changing nothing', async () => {
    await outside('/other/');
    iam.calls = [];
    await expect(role.create(await checked({ ...base, adoptExisting: true }))).rejects.toThrow(
      'cannot adopt IAM role mz-role: its path is /other/, the inputs say /',
    );
    expect(iam.calls.filter((c) => !/^(getRole|close)/.test(c))).toEqual([]);
  });

  test('the delete of a resource that adopted leaves the role, unless its diff planned the replacement', async () => {
    await outside();
    const inputs = await checked({ ...base, adoptExisting: true });
    const { outs } = await role.create(inputs);
    iam.calls = [];
    // A later run (a new provider process), as when a forced replacement's old resource is deleted after a failure.
    await roleLifecycle({ iam: () => iam, materialize: () => mz, clock }).delete('mz-role', outs);
    expect(iam.calls).toEqual([]);
    expect(await iam.getRole('mz-role')).toBeDefined();
    // A path change is planned by diff (delete first): that delete removes the role.
    const later = roleLifecycle({ iam: () => iam, materialize: () => mz, clock });
    expect((await later.diff('mz-role', outs, await checked({ ...inputs, path: '/mz/' }))).deleteBeforeReplace).toBe(
      true,
    );
    await later.delete('mz-role', outs);
    expect(await iam.getRole('mz-role')).toBeUndefined();
  });
});
