// The trust policy is the security rule: exactly the principals, each only with its own external IDs.
import {
  canonicalPolicy,
  policyJson,
  requiresExternalId,
  roleArnFor,
  trustPolicyDrift,
  trustPolicyFor,
  trustPolicyForConnections,
} from '../../../provider/aws-role/trust-policy';

const P = 'arn:aws:iam::664411391173:role/MaterializeConnection';
const P2 = 'arn:aws:iam::123456789000:role/MaterializeConnection';
const ID = 'mz_eb5cb59b-e2fe-41f3-87ca-d2176a495345_u7';

test('trustPolicyFor(principal, id) is the document Materialize shows as example_trust_policy', () => {
  expect(policyJson(trustPolicyFor(P, ID))).toBe(
    `{"Statement":[{"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"${ID}"}},"Effect":"Allow","Principal":{"AWS":"${P}"}}],"Version":"2012-10-17"}`,
  );
});

test('several external IDs of one principal: one statement, IDs sorted and deduplicated', () => {
  expect(trustPolicyFor(P, ['mz_x_u9', 'mz_x_u2', 'mz_x_u9'])).toEqual({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: P },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': ['mz_x_u2', 'mz_x_u9'] } },
      },
    ],
  });
});

test('two environments: one statement per principal, never one principal with the other one’s ID', () => {
  const doc = trustPolicyForConnections([
    { principal: P, externalId: 'mz_a_u1' },
    { principal: P2, externalId: 'mz_b_u4' },
    { principal: P, externalId: 'mz_a_u3' },
  ]);
  expect(doc.Statement.map((s) => [s.Principal.AWS, s.Condition.StringEquals['sts:ExternalId']])).toEqual([
    [P2, 'mz_b_u4'],
    [P, ['mz_a_u1', 'mz_a_u3']],
  ]);
});

test('bad arguments are refused', () => {
  expect(() => trustPolicyFor('', ID)).toThrow('principal must be a non-empty string');
  expect(() => trustPolicyFor(P, [])).toThrow('at least one external ID');
  expect(() => trustPolicyFor(P, [''])).toThrow('externalId must be a non-empty string');
  expect(() => trustPolicyForConnections([])).toThrow('at least one connection');
});

test('requiresExternalId: every Allow of sts:AssumeRole must demand an exact external ID', () => {
  const allow = (extra: object) => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: P }, Action: 'sts:AssumeRole', ...extra }],
  });
  expect(requiresExternalId(trustPolicyFor(P, ID))).toBe(true);
  expect(requiresExternalId(allow({ Condition: { StringLike: { 'sts:externalid': 'mz_*' } } }))).toBe(true);
  expect(requiresExternalId(allow({}))).toBe(false);
  // IfExists holds when the request carries no external ID: insecure.
  expect(requiresExternalId(allow({ Condition: { StringEqualsIfExists: { 'sts:ExternalId': ID } } }))).toBe(false);
  expect(requiresExternalId(allow({ Condition: { StringEquals: { 'aws:SourceAccount': '1' } } }))).toBe(false);
  const two = trustPolicyFor(P, ID);
  expect(requiresExternalId({ ...two, Statement: [...two.Statement, allow({}).Statement[0]] })).toBe(false);
  expect(requiresExternalId({})).toBe(false);
});

test('canonicalPolicy: a lone statement or value and a one-element list are the same policy', () => {
  const lone = {
    Version: '2012-10-17',
    Statement: {
      Effect: 'Allow',
      Action: ['sts:AssumeRole'],
      Principal: { AWS: [P] },
      Condition: { StringEquals: { 'sts:ExternalId': [ID] } },
    },
  };
  expect(canonicalPolicy(lone)).toBe(canonicalPolicy(trustPolicyFor(P, ID)));
  expect(canonicalPolicy(trustPolicyFor(P, ['mz_b', 'mz_a']))).toBe(
    canonicalPolicy({
      ...trustPolicyFor(P, ['mz_a', 'mz_b']),
      Statement: [trustPolicyFor(P, ['mz_b', 'mz_a']).Statement[0]],
    }),
  );
});

test('trustPolicyDrift names what is wrong: no external ID at all is called out as insecure', () => {
  const wanted = trustPolicyFor(P, ID);
  expect(trustPolicyDrift(wanted, wanted)).toBeUndefined();
  const open = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: P }, Action: 'sts:AssumeRole' }],
  };
  expect(trustPolicyDrift(open, wanted)).toBe(
    'the trust policy no longer requires the external ID: any Materialize customer could assume the role',
  );
  expect(trustPolicyDrift(trustPolicyFor(P, 'mz_other_u1'), wanted)).toBe(
    'the trust policy differs from the one for the connections (principals and external IDs)',
  );
});

test('roleArnFor gives the ARN before the role exists', () => {
  expect(roleArnFor('123456789012', 'mz-s3')).toBe('arn:aws:iam::123456789012:role/mz-s3');
  expect(roleArnFor('123456789012', 'mz-s3', '/materialize/')).toBe('arn:aws:iam::123456789012:role/materialize/mz-s3');
});

describe('a principal or external ID that is not one never goes into a policy (a spoofed catalog)', () => {
  test.each([
    '*',
    'arn:aws:iam::*:role/x',
    'arn:aws:iam::664411391173:root',
    '664411391173',
    'arn:aws:iam::664411391173:role/*',
    'arn:aws:iam::66441139117:role/short-account',
    'arn:aws:sts::664411391173:assumed-role/r/s',
    ' arn:aws:iam::664411391173:role/x',
  ])('principal %j is refused', (principal) => {
    expect(() => trustPolicyFor(principal, ID)).toThrow(/is not an IAM role or user ARN .*refusing to trust it$/);
    expect(() => trustPolicyForConnections([{ principal, externalId: ID }])).toThrow(/refusing to trust it$/);
  });
  test.each(['*', 'mz_?', 'x', 'mz u7', 'mz_"u7"', 'a'.repeat(1225)])('external ID %j is refused', (externalId) => {
    expect(() => trustPolicyFor(P, externalId)).toThrow(/is not an external ID .*refusing to trust it$/);
  });
  test('the shapes Materialize uses pass', () => {
    expect(() => trustPolicyFor('arn:aws-us-gov:iam::123456789012:role/path/to/Role+x=y,z.@-', ID)).not.toThrow();
    expect(() => trustPolicyFor(P, 'mz_eb5cb59b-e2fe-41f3-87ca-d2176a495345_u7')).not.toThrow();
  });
});
