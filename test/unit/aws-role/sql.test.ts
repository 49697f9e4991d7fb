// The SQL a role resource sends Materialize, checked by Materialize's own parser, and how a catalog row
// becomes a connection's identity (or a clear refusal).
import { IDENTITY_SQL, identityFromRow, validateSql } from '../../../provider/aws-role/materialize';
import { resolveLocation } from '../../../provider/sql/quote';
import { assertMaterializeStatement } from '../../support/mz-parser';

const loc = resolveLocation({ name: 'my "conn"', schemaName: 'S p' });

test('VALIDATE CONNECTION is fully qualified and quoted; the identity read is one SELECT', () => {
  expect(validateSql(loc)).toBe('VALIDATE CONNECTION "materialize"."S p"."my ""conn"""');
  assertMaterializeStatement(validateSql(loc), 'validate_connection');
  assertMaterializeStatement(IDENTITY_SQL, 'select');
});

const row = {
  id: 'u7',
  type: 'aws',
  principal: 'arn:aws:iam::664411391173:role/MaterializeConnection',
  external_id: 'mz_p_u7',
  assume_role_arn: 'arn:aws:iam::1:role/r',
};

test('identityFromRow: an assume-role AWS connection, or why not', () => {
  expect(identityFromRow(loc, row)).toEqual({
    location: loc,
    id: 'u7',
    principal: row.principal,
    externalId: 'mz_p_u7',
    assumeRoleArn: 'arn:aws:iam::1:role/r',
  });
  const name = '"materialize"."S p"."my ""conn"""';
  expect(() => identityFromRow(loc, undefined)).toThrow(`connection ${name} does not exist in Materialize`);
  expect(() => identityFromRow(loc, { ...row, type: 'kafka' })).toThrow(
    `connection ${name} is a kafka connection, not AWS`,
  );
  expect(() => identityFromRow(loc, { ...row, assume_role_arn: null })).toThrow(
    `connection ${name} uses access keys, not ASSUME ROLE ARN: it assumes no role`,
  );
  expect(() => identityFromRow(loc, { ...row, external_id: null })).toThrow(
    'has no principal or external ID in mz_internal.mz_aws_connections: this Materialize was started without an AWS connection role',
  );
});

test('identityFromRow: a principal or external ID a spoofed server answers is refused before any policy is built', () => {
  const name = '"materialize"."S p"."my ""conn"""';
  expect(() => identityFromRow(loc, { ...row, principal: '*' })).toThrow(
    `connection ${name}: the principal Materialize reports (mz_internal.mz_aws_connections) cannot go into a trust ` +
      'policy: principal "*" is not an IAM role or user ARN (arn:aws:iam::<12-digit account>:role/<name>); refusing to ' +
      'trust it. Check that the provider talks to the Materialize you expect (materialize host, sslmode verify-full)',
  );
  expect(() => identityFromRow(loc, { ...row, external_id: '*' })).toThrow(
    `connection ${name}: the external ID Materialize reports`,
  );
});
