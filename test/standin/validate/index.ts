// Connection validation (§2.1, §2.2): one validator per type; failures are 58000.
import type { ConnectionType } from '../ast';
import type { Item } from '../catalog';
import { validationError } from '../errors';
import { Opts } from '../rules/opts';
import { validateAws } from './aws';
import { isInvalidHost, type ValidateCtx } from './context';
import { validateGcp, validateGlue } from './gcp';
import { validateHttp, validateTcp } from './http';
import { validateKafka } from './kafka';
import { validateMysql } from './mysql';
import { validatePostgres } from './postgres';
import { validateSsh } from './ssh';

export type { ValidateCtx } from './context';

async function validatePrivatelink(_ctx: ValidateCtx, item: Item): Promise<void> {
  // No VPC endpoints here: succeed unless the service name is under .invalid [stand-in choice].
  const name = new Opts(item.options ?? []).text('SERVICE NAME') ?? '';
  if (isInvalidHost(name)) throw validationError(`VPC endpoint for service ${name} is not available`);
}

const VALIDATORS: Record<ConnectionType, (ctx: ValidateCtx, item: Item) => Promise<void>> = {
  AWS: validateAws,
  'AWS PRIVATELINK': validatePrivatelink,
  KAFKA: validateKafka,
  'CONFLUENT SCHEMA REGISTRY': validateHttp,
  POSTGRES: validatePostgres,
  MYSQL: validateMysql,
  'SQL SERVER': validateTcp,
  'SSH TUNNEL': validateSsh,
  'ICEBERG CATALOG': validateHttp,
  GCP: validateGcp,
  'AWS GLUE SCHEMA REGISTRY': validateGlue,
};

export async function validateConnection(ctx: ValidateCtx, item: Item): Promise<void> {
  await VALIDATORS[item.connType!](ctx, item);
}
