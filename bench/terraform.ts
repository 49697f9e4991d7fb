// The Terraform provider's statements per resource and operation, as ../shared/reference/peers.md (the team's study of the Terraform provider)
// describes them (TF provider at HEAD 49b83a02; the two Pulumi peers run the same CRUD code). Every count
// names the peers.md passage it comes from.

export type Kind = 'secret' | 'ssh-tunnel' | 'postgres' | 'mysql' | 'kafka' | 'confluent-schema-registry' | 'aws';
export type Operation = 'create' | 'preview' | 'refresh' | 'update' | 'delete';

export interface TfSequence {
  statements: string[];
  source: string;
}

const READ = 'SELECT by id';
const READ_SOURCE =
  '§A "Read / refresh queries": one SELECT on mz_connections (mz_secrets for secrets) joined to schemas, databases, ' +
  'roles and comments; AWS and SSH add LEFT JOINs to mz_aws_connections / mz_ssh_tunnel_connections in the same statement';

/** ALTER statements TF sends for this benchmark's change of three options, per kind. */
const UPDATE_ALTERS: Record<Exclude<Kind, 'secret'>, { alters: string[]; source: string }> = {
  'ssh-tunnel': {
    alters: ['SET (HOST)', 'SET (USER)', 'SET (PORT)'],
    source: '§B SSH tunnel "Update": separate SET (HOST / USER / PORT = ..) statements',
  },
  postgres: {
    alters: ['SET (HOST)', 'SET (PORT)', 'SET (DATABASE)'],
    source: '§B PostgreSQL "Update: each of these is a separate statement"',
  },
  mysql: {
    alters: ['SET (HOST)', 'SET (PORT)', 'SET (USER)'],
    source: '§A "Update mechanics": PG, MySQL, CSR, AWS and SSH send one ALTER per changed field',
  },
  kafka: {
    alters: ['SET (BROKERS), SET (SASL MECHANISMS), SET (SASL USERNAME)'],
    source: '§A "Update mechanics": Kafka batches all changes into one ALTER',
  },
  'confluent-schema-registry': {
    alters: ['SET (URL)', 'SET (USER)', 'SET (PASSWORD)'],
    source: '§B Others, CSR "Update": SET (URL = ..), SET (USER = ..), SET (PASSWORD = ..) one per field',
  },
  aws: {
    alters: ['SET (REGION)', 'SET (ASSUME ROLE ARN), SET (ASSUME ROLE SESSION NAME)'],
    source:
      '§B AWS "Update: each of these is a separate statement", except the ASSUME ROLE ARN / SESSION NAME pair, ' +
      'which is one statement ("in either order")',
  },
};

export function tfSequence(kind: Kind, op: Operation): TfSequence {
  switch (op) {
    case 'create':
      return {
        statements: [kind === 'secret' ? 'CREATE SECRET' : 'CREATE CONNECTION', 'SELECT id by name', READ],
        source:
          '§A "Create-time ID" (re-query by name for uNNN) then the read; §B Kafka resource create: ' +
          '"two catalog scans (by name, then by id)"; §B Secret "ID lookup"',
      };
    case 'preview':
      return {
        statements: [READ],
        source:
          'not in peers.md: `terraform plan` refreshes every resource by default (the read above); ' +
          'the diff itself sends nothing',
      };
    case 'refresh':
      return { statements: [READ], source: READ_SOURCE };
    case 'update': {
      if (kind === 'secret') return { statements: [], source: 'unchanged: no statements' };
      const u = UPDATE_ALTERS[kind];
      return { statements: [...u.alters.map((a) => `ALTER ${a}`), READ], source: `${u.source}; then the read` };
    }
    case 'delete':
      return {
        statements: [kind === 'secret' ? 'DROP SECRET' : 'DROP CONNECTION'],
        source: '§A "Delete": DROP CONNECTION <qn>; / DROP SECRET <qn>;',
      };
  }
}
