// ICEBERG CATALOG (materialize-semantics.md §1.11). Materialize refuses ALTERs of it (§3.2 step 4): changes replace.
import { isSet, option, rule, urlShape } from './common';
import type { ConnectionSpec } from './types';

export const icebergCatalogSpec: ConnectionSpec = {
  kind: 'iceberg-catalog',
  sqlType: 'ICEBERG CATALOG',
  validateByDefault: true,
  options: [
    option('catalogType', 'CATALOG TYPE', { type: 'text', oneOf: ['rest', 's3tablesrest'] }, 'rest or s3tablesrest.'),
    option('url', 'URL', { type: 'text' }, 'The catalog endpoint URL.'),
    option(
      'warehouse',
      'WAREHOUSE',
      { type: 'text' },
      'The warehouse (required for s3tablesrest: the table bucket ARN).',
    ),
    {
      ...option(
        'credential',
        'CREDENTIAL',
        { type: 'text-or-secret' },
        'OAuth2 credential for rest catalogs; text or a Secret (as text it is masked in planned SQL and outputs).',
      ),
      sensitive: true,
    },
    option('scope', 'SCOPE', { type: 'text' }, 'OAuth2 scope for rest catalogs.'),
    option(
      'awsConnection',
      'AWS CONNECTION',
      { type: 'connection', of: 'aws' },
      'An AwsConnection (required for s3tablesrest).',
    ),
  ].map((o) => ({ ...o, alterable: false })),
  required: [
    { arg: 'catalogType', reason: 'ICEBERG connections must specify CATALOG TYPE' },
    { arg: 'url', reason: 'must specify URL' },
  ],
  exclusiveGroups: [],
  rules: [
    urlShape('url', 'Iceberg catalog', { host: false, emptyPath: false }),
    rule(['catalogType', 'warehouse', 'awsConnection', 'credential'], (a) => {
      if (!isSet(a, 'catalogType')) return [];
      const type = String(a.catalogType).toLowerCase();
      if (type === 's3tablesrest') {
        const f = [];
        if (!isSet(a, 'warehouse'))
          f.push({ property: 'warehouse', reason: 'ICEBERG s3tablesrest connections must specify WAREHOUSE' });
        if (!isSet(a, 'awsConnection'))
          f.push({ property: 'awsConnection', reason: 'ICEBERG s3tablesrest connections require an AWS connection' });
        return f;
      }
      return isSet(a, 'credential')
        ? []
        : [{ property: 'credential', reason: 'ICEBERG rest connections require a CREDENTIAL' }];
    }),
  ],
  catalogType: 'iceberg-catalog',
  catalogOutputs: [],
  optionsAlterable: false,
};
