// pulumi-materialize-connections: Pulumi resources for Materialize connections and secrets.
export { Secret, type SecretArgs } from './secret';
export { Connection, type ConnectionArgs } from './connection';
export { MaterializeObject, type ObjectArgs, type ObjectRefInput } from './base';
export * from './connections';
export { SshBastionAuthorizedKeys, type SshBastionAuthorizedKeysArgs, type SshLoginInput } from './bastion';
export type { MaterializeEndpoint } from '../provider/lifecycle/endpoint';
export * from './aws-role';
export type { DiagnoseOptions } from '../provider/diagnose/wiring';
