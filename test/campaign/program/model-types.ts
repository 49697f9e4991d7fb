// The program model the fault campaign draws and the generic program declares (shared by both sides).

export type Kind = 'secret' | 'postgres' | 'mysql' | 'kafka' | 'csr' | 'ssh' | 'aws' | 'role' | 'bastion';

/** Materialize objects (the others live in IAM or on the bastion). */
export const OBJECT_KINDS: readonly Kind[] = ['secret', 'postgres', 'mysql', 'kafka', 'csr', 'ssh', 'aws'];

export interface ModelResource {
  /** The Pulumi resource name (stable for the resource's life). */
  key: string;
  kind: Kind;
  /** Materialize name and schema (objects); role name (role). */
  name: string;
  schema: string;
  comment?: string;
  usage?: string[];
  adopt?: boolean;
  /** The resource's own `materialize.host` spelling; unset: the stack config. */
  host?: string;
  deleteBeforeReplace?: boolean;
  /** secret: the value (a canary). */
  value?: string;
  /** Connections: the upstream's port (postgres, mysql, ssh), or a Kafka broker port. */
  port?: number;
  /** postgres/mysql/csr/kafka: the user (text option); given as pulumi.secret when userSecret. */
  user?: string;
  userSecret?: boolean;
  /** Key of a secret resource in the model (password / sasl password). */
  password?: string;
  /** Key of an ssh resource: the tunnel (postgres/mysql/kafka/csr), or the tunnel whose keys (bastion). */
  tunnel?: string;
  /** kafka: forces a replacement when changed. */
  progressTopic?: string;
  /** ssh: keyRotation counter. */
  keyRotation?: number;
  /** role: key of the aws connection it serves. */
  connection?: string;
  /** aws: the IAM role it assumes (by name). */
  roleName?: string;
  /** role: give the connection as `{ name, schemaName }` instead of the resource (dependsOn keeps the order). */
  byName?: boolean;
  /** role: description (changed in place). */
  description?: string;
}

export interface Model {
  resources: ModelResource[];
  /** Where things outside Materialize are. */
  env: {
    pgPort: number;
    mysqlPort: number;
    sshHost: string;
    sshPort: number;
    sshUser: string;
    sshHostKey: string;
    /** Where the bastion resource logs in (a proxy in front of sshd that the campaign cuts). */
    bastionPort: number;
    /** The bastion's login key (a secret). */
    sshPrivateKey: string;
    bastionPath: string;
    bastionBlock: string;
    iamEndpoint: string;
    awsAccount: string;
  };
}
