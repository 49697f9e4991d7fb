// GCP and AWS GLUE SCHEMA REGISTRY validation (materialize-newest-features.md §1.2, §2.3). Neither Google nor Glue
// is reachable here, so both end in the error of their last step [stand-in choice, README].
import type { Item } from '../catalog';
import { validationError } from '../errors';
import { Opts } from '../rules/opts';
import { textOrSecret, type ValidateCtx } from './context';

const TOKEN_URI = 'https://oauth2.googleapis.com/token';
const PARSE_HINT = 'The secret must hold the JSON output of `gcloud iam service-accounts keys create`.';

export async function validateGcp(ctx: ValidateCtx, item: Item): Promise<void> {
  const key = textOrSecret(ctx, new Opts(item.options ?? []).get('SERVICE ACCOUNT KEY'));
  if (key === undefined)
    throw validationError('failed to read service-account key from secret store: secret not found');
  let json: { token_uri?: unknown; private_key?: unknown; client_email?: unknown };
  try {
    json = JSON.parse(key);
  } catch (e) {
    throw validationError(`failed to parse service-account key JSON: ${(e as Error).message}`, undefined, PARSE_HINT);
  }
  if (json.token_uri !== TOKEN_URI)
    throw validationError(
      `failed to parse service-account key JSON: token_uri must be ${TOKEN_URI}.`,
      undefined,
      PARSE_HINT,
    );
  throw validationError('failed to obtain access token from Google: oauth2.googleapis.com is not reachable');
}

export async function validateGlue(_ctx: ValidateCtx, item: Item): Promise<void> {
  const registry = new Opts(item.options ?? []).text('REGISTRY');
  throw validationError(
    `failed to validate AWS Glue Schema Registry "${registry}": GetRegistry: AWS Glue is not reachable`,
  );
}
