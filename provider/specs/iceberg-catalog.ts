// ICEBERG CATALOG (materialize-semantics.md §1.11; newer options and per-catalog-type rules:
// materialize-newest-features.md §4). Materialize refuses ALTERs of it (§4.6): every change replaces.
import { isSet, option, rule, urlShape } from './common';
import type { Args, ConnectionSpec, Failure } from './types';

/** The only catalog URL a GCP CONNECTION may be used with (§4.2). */
export const BIGLAKE_URL = 'https://biglake.googleapis.com/iceberg/v1/restcatalog';

const catalogType = (a: Args) => (isSet(a, 'catalogType') ? String(a.catalogType).toLowerCase() : undefined);
const notSupported = (type: string, arg: string, keyword: string): Failure => ({
  property: arg,
  reason: `ICEBERG ${type} connections do not support ${keyword}`,
});

/** s3tablesrest: WAREHOUSE and AWS CONNECTION required; the rest-only options refused (§4.2). */
function s3TablesRules(a: Args): Failure[] {
  if (catalogType(a) !== 's3tablesrest') return [];
  const f: Failure[] = [];
  if (!isSet(a, 'warehouse'))
    f.push({ property: 'warehouse', reason: 'ICEBERG s3tablesrest connections must specify WAREHOUSE' });
  if (!isSet(a, 'awsConnection'))
    f.push({ property: 'awsConnection', reason: 'ICEBERG s3tablesrest connections require an AWS connection' });
  for (const [arg, keyword] of [
    ['gcpConnection', 'GCP CONNECTION'],
    ['oauth2ServerUrl', 'OAUTH2 SERVER URL'],
    ['accessDelegation', 'ACCESS DELEGATION'],
    ['storageProvider', 'STORAGE PROVIDER'],
  ])
    if (isSet(a, arg)) f.push(notSupported('s3tablesrest', arg, keyword));
  return f;
}

/** rest: no AWS CONNECTION, and exactly one of CREDENTIAL or GCP CONNECTION (§4.2, §4.3). */
function restAuthRules(a: Args): Failure[] {
  if (catalogType(a) !== 'rest') return [];
  const f: Failure[] = [];
  if (isSet(a, 'awsConnection'))
    f.push({
      property: 'awsConnection',
      reason: 'ICEBERG rest connections do not support AWS CONNECTION. Try s3tablesrest instead.',
    });
  const credential = isSet(a, 'credential');
  const gcp = isSet(a, 'gcpConnection');
  if (credential && gcp)
    f.push({
      property: 'gcpConnection',
      reason: 'ICEBERG rest connections may set CREDENTIAL or GCP CONNECTION, not both',
    });
  else if (!credential && !gcp)
    f.push({ property: 'credential', reason: 'ICEBERG rest connections require a CREDENTIAL or GCP CONNECTION' });
  return f;
}

/** rest with GCP CONNECTION (BigLake): the BigLake URL, no OAUTH2 SERVER URL, storage on GCS only (§4.2). */
function bigLakeRules(a: Args): Failure[] {
  if (catalogType(a) !== 'rest' || !isSet(a, 'gcpConnection')) return [];
  const f: Failure[] = [];
  if (isSet(a, 'url') && a.url !== BIGLAKE_URL)
    f.push({ property: 'url', reason: `GCP connection can only be used with '${BIGLAKE_URL}'` });
  if (isSet(a, 'oauth2ServerUrl'))
    f.push({
      property: 'oauth2ServerUrl',
      reason: 'ICEBERG rest connections with GCP CONNECTION do not support OAUTH2 SERVER URL',
    });
  if (isSet(a, 'storageProvider') && String(a.storageProvider).toLowerCase() !== 'gcs')
    f.push({
      property: 'storageProvider',
      reason: "ICEBERG rest connections with GCP CONNECTION only support STORAGE PROVIDER 'gcs'",
    });
  return f;
}

export const icebergCatalogSpec: ConnectionSpec = {
  kind: 'iceberg-catalog',
  sqlType: 'ICEBERG CATALOG',
  validateByDefault: true,
  options: [
    option('catalogType', 'CATALOG TYPE', { type: 'text', oneOf: ['rest', 's3tablesrest'] }, 'rest or s3tablesrest.'),
    option('url', 'URL', { type: 'text' }, 'The catalog endpoint URL (with gcpConnection: the BigLake endpoint).'),
    option(
      'warehouse',
      'WAREHOUSE',
      { type: 'text' },
      'The warehouse (required for s3tablesrest: the table bucket ARN; for BigLake: gs://<bucket>).',
    ),
    {
      ...option(
        'credential',
        'CREDENTIAL',
        { type: 'text-or-secret' },
        'OAuth2 credential (client_id:client_secret) for rest catalogs; text or a Secret (as text it is masked in planned SQL and outputs). A rest catalog takes exactly one of credential and gcpConnection.',
      ),
      sensitive: true,
    },
    option('scope', 'SCOPE', { type: 'text' }, 'OAuth2 scope for rest catalogs (Materialize defaults to catalog).'),
    {
      ...option(
        'oauth2ServerUrl',
        'OAUTH2 SERVER URL',
        { type: 'text' },
        'OAuth2 token endpoint for rest catalogs with a credential (Materialize defaults to <url>/v1/oauth/tokens).',
      ),
      preview: 'Public Preview (REST catalogs with OAuth2)',
    },
    {
      ...option(
        'accessDelegation',
        'ACCESS DELEGATION',
        {
          type: 'text',
          oneOf: ['vended-credentials'],
          unknownReason: (v) => `invalid iceberg access delegation "${v}", expected 'vended-credentials'`,
        },
        'vended-credentials: storage is reached with the credentials the catalog vends (rest catalogs only).',
      ),
      preview: 'Public Preview',
    },
    option(
      'awsConnection',
      'AWS CONNECTION',
      { type: 'connection', of: 'aws' },
      'An AwsConnection (required for s3tablesrest, refused for rest).',
    ),
    {
      ...option(
        'gcpConnection',
        'GCP CONNECTION',
        { type: 'connection', of: 'gcp' },
        `A GcpConnection authenticating a rest catalog on BigLake (url must be ${BIGLAKE_URL}); instead of credential.`,
      ),
      preview: 'private preview (Iceberg on BigLake)',
    },
    {
      ...option(
        'storageProvider',
        'STORAGE PROVIDER',
        {
          type: 'text',
          oneOf: ['s3', 'gcs', 'adls'],
          unknownReason: () => "invalid iceberg storage provider, expected 's3', 'gcs', or 'adls'",
        },
        "Object storage of a rest catalog: s3 (Materialize's default), gcs or adls (Azure); gcs only with gcpConnection.",
      ),
      preview:
        "Public Preview since Materialize v26.43; Materialize's published SQL parser package (26.41) does not parse it yet",
    },
  ].map((o) => ({ ...o, alterable: false })),
  required: [
    { arg: 'catalogType', reason: 'ICEBERG connections must specify CATALOG TYPE' },
    { arg: 'url', reason: 'must specify URL' },
  ],
  exclusiveGroups: [],
  rules: [
    urlShape('url', 'Iceberg catalog', { host: false, emptyPath: false }),
    rule(
      [
        'catalogType',
        'warehouse',
        'awsConnection',
        'gcpConnection',
        'oauth2ServerUrl',
        'accessDelegation',
        'storageProvider',
      ],
      s3TablesRules,
    ),
    rule(['catalogType', 'awsConnection', 'credential', 'gcpConnection'], restAuthRules),
    rule(['catalogType', 'gcpConnection', 'url', 'oauth2ServerUrl', 'storageProvider'], bigLakeRules),
  ],
  preview: 'Public Preview (Iceberg catalog connections, S3 Tables and REST catalogs); BigLake is in private preview',
  catalogType: 'iceberg-catalog',
  catalogOutputs: [],
  optionsAlterable: false,
};
