// The native provider: Pulumi's ResourceProvider gRPC service on the SDK's generated stubs, each call mapped onto
// the same lifecycle the dynamic resources run (provider/dynamic.ts). What is native here and nothing else: type
// tokens, the provider's own config (Configure/CheckConfig/DiffConfig), secrets taken and given back as secrets,
// a detailed diff, and import (Read by catalog id with no state).
import { SECRET_INPUTS, LIFECYCLE_ARGS } from '../args';
import { BASTION_KEYS_KIND } from '../bastion';
import { dynamicProvider, type ResourceKind } from '../dynamic';
import { PLANNED_SQL } from '../lifecycle/resource';
import { asDynamicConfig, checkConfig, diffConfig, renameConfigKeys, settingsOf } from './config';
import { detailedDiff, type PropertyChange } from './diff';
import { buildSchema } from './schema';
import { CLASSES, kindOfToken, PACKAGE } from './tokens';
import { secretOutputKeys, unwrapSecrets, wrapSecrets, type Props } from './values';
import { any, empty, grpc, plugin, provider, providerRpc, status, struct } from './rpc';

type Msg = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Callback = (err: unknown, value?: unknown, trailer?: unknown) => void;
type Call = { request: Msg };

const KIND_CHANGES: Record<PropertyChange, number> = {
  add: provider.PropertyDiff.Kind.ADD,
  'add-replace': provider.PropertyDiff.Kind.ADD_REPLACE,
  delete: provider.PropertyDiff.Kind.DELETE,
  'delete-replace': provider.PropertyDiff.Kind.DELETE_REPLACE,
  update: provider.PropertyDiff.Kind.UPDATE,
  'update-replace': provider.PropertyDiff.Kind.UPDATE_REPLACE,
};

/** Inputs that are bookkeeping, never shown as a changed property (plannedSql is: it is what the change runs). */
const NOT_SHOWN = [SECRET_INPUTS, '__provider', 'materializeEndpoint', 'createSql'];

const toJs = (s: Msg | undefined): Props => (s ? (s.toJavaScript() as Props) : {});
const toStruct = (p: Props): Msg => struct.Struct.fromJavaScript(JSON.parse(JSON.stringify(p)));

/** `urn:pulumi:<stack>::<project>::<parent$...$type>::<name>`. */
export function urnParts(urn: string): { stack: string; project: string; type: string; name: string } {
  const [stack = '', project = '', qualifiedType = '', ...name] = urn.replace(/^urn:pulumi:/, '').split('::');
  const types = qualifiedType.split('$');
  return { stack, project, type: types[types.length - 1], name: name.join('::') };
}

function kindOf(req: Msg): ResourceKind {
  const type = (typeof req.getType === 'function' && req.getType()) || urnParts(req.getUrn()).type;
  return kindOfToken(type);
}

const classOf = (kind: ResourceKind) => Object.keys(CLASSES).find((c) => CLASSES[c] === kind) ?? kind;

/** A failed step; with `id`, the object exists in the state given (`properties`) and the engine records it. */
function grpcError(
  e: Error & { id?: string; properties?: Props; reasons?: string[] },
  secretKeys: Set<string>,
  kind?: ResourceKind,
) {
  const message = renameConfigKeys(e.message ?? String(e));
  const metadata = new grpc.Metadata();
  if (e.id && kind) {
    const detail = new provider.ErrorResourceInitFailed();
    detail.setId(e.id);
    detail.setProperties(toStruct(wrapSecrets(e.properties ?? {}, secretOutputKeys(kind, secretKeys))));
    detail.setReasonsList((e.reasons ?? [message]).map(renameConfigKeys));
    const packed = new any.Any();
    packed.pack(detail.serializeBinary(), 'pulumirpc.ErrorResourceInitFailed');
    const st = new status.Status();
    st.setCode(grpc.status.UNKNOWN);
    st.setMessage(message);
    st.addDetails(packed);
    metadata.add('grpc-status-details-bin', Buffer.from(st.serializeBinary()));
  }
  return { code: grpc.status.UNKNOWN, message, details: message, metadata };
}

function unimplemented(what: string) {
  return (_call: Call, callback: Callback) =>
    callback({ code: grpc.status.UNIMPLEMENTED, details: `${what} is not implemented by ${PACKAGE}` });
}

/** Runs a step; a thrown error becomes a gRPC error (with the partial state when the error carries one). */
function step(fn: (req: Msg, keys: { secret: Set<string>; kind?: ResourceKind }) => Promise<unknown>) {
  return (call: Call, callback: Callback) => {
    const keys: { secret: Set<string>; kind?: ResourceKind } = { secret: new Set() };
    fn(call.request, keys).then(
      (value) => callback(null, value),
      (err) => {
        const e = grpcError(err as Error, keys.secret, keys.kind);
        callback(e, null, e.metadata);
      },
    );
  };
}

/** Inputs the engine adds for the dynamic provider (an alias from a dynamic resource brings them along). */
function withoutDynamicKeys(p: Props): Props {
  const { __provider: _provider, ...rest } = p;
  return rest;
}

function failuresOf(list: { property: string; reason: string }[]): Msg[] {
  return list.map((f) => {
    const failure = new provider.CheckFailure();
    failure.setProperty(f.property);
    failure.setReason(renameConfigKeys(f.reason));
    return failure;
  });
}

/** The names of the inputs given as secrets, for the lifecycle's masking (as the dynamic SDK sends them). */
function secretInputNames(kind: ResourceKind, secretKeys: Set<string>): string[] | undefined {
  if (kind === 'aws-connection-role' || kind === BASTION_KEYS_KIND) return undefined;
  const lifecycle = new Set<string>([...LIFECYCLE_ARGS, SECRET_INPUTS, PLANNED_SQL]);
  const names = [...secretKeys].filter((k) => !lifecycle.has(k)).sort();
  return names.length ? names : undefined;
}

/** What the SDK fills in before the provider sees the inputs, for the kinds whose defaults name the stack. */
function sdkDefaults(kind: ResourceKind, news: Props, urn: string): Props {
  if (kind !== BASTION_KEYS_KIND) return news;
  const { stack, project, name } = urnParts(urn);
  const owner = `${project}/${stack}/${name}`;
  return {
    ...news,
    blockName: news.blockName ?? owner.replace(/[^A-Za-z0-9._:@/-]/g, '_').slice(0, 200),
    blockOwner: owner,
  };
}

export function providerService(version: string): Record<string, unknown> {
  const impl = (kind: ResourceKind) => dynamicProvider(kind);
  let configured: Props = {};

  return {
    getPluginInfo: (_call: Call, callback: Callback) => {
      const info = new plugin.PluginInfo();
      info.setVersion(version);
      callback(null, info);
    },
    getSchema: (_call: Call, callback: Callback) => {
      const resp = new provider.GetSchemaResponse();
      resp.setSchema(JSON.stringify(buildSchema(version)));
      callback(null, resp);
    },
    checkConfig: step(async (req) => {
      const news = unwrapSecrets(toJs(req.getNews())).plain;
      const resp = new provider.CheckResponse();
      resp.setInputs(req.getNews());
      resp.setFailuresList(failuresOf(checkConfig(news)));
      return resp;
    }),
    diffConfig: step(async (req) => {
      const olds = unwrapSecrets(toJs(req.getOldInputs() ?? req.getOlds())).plain;
      const news = unwrapSecrets(toJs(req.getNews())).plain;
      const { changed, replaces } = diffConfig(olds, news);
      const resp = new provider.DiffResponse();
      resp.setChanges(
        changed.length ? provider.DiffResponse.DiffChanges.DIFF_SOME : provider.DiffResponse.DiffChanges.DIFF_NONE,
      );
      resp.setReplacesList(replaces);
      resp.setDiffsList(changed);
      resp.setHasdetaileddiff(true);
      const map = resp.getDetaileddiffMap();
      for (const key of changed) {
        const d = new provider.PropertyDiff();
        d.setKind(
          replaces.includes(key) ? provider.PropertyDiff.Kind.UPDATE_REPLACE : provider.PropertyDiff.Kind.UPDATE,
        );
        d.setInputdiff(true);
        map.set(key, d);
      }
      return resp;
    }),
    configure: step(async (req) => {
      const variables: Record<string, string> = Object.fromEntries(req.getVariablesMap().toArray());
      configured = unwrapSecrets(toJs(req.getArgs())).plain;
      await impl('secret').configure(asDynamicConfig(settingsOf(configured, variables)));
      const resp = new provider.ConfigureResponse();
      resp.setAcceptsecrets(true);
      resp.setSupportspreview(false);
      resp.setAcceptresources(false);
      return resp;
    }),
    check: step(async (req, keys) => {
      const kind = kindOf(req);
      keys.kind = kind;
      const olds = unwrapSecrets(withoutDynamicKeys(toJs(req.getOlds()))).plain;
      const given = unwrapSecrets(withoutDynamicKeys(toJs(req.getNews())));
      keys.secret = given.secretKeys;
      const news = sdkDefaults(kind, given.plain, req.getUrn());
      const names = secretInputNames(kind, given.secretKeys);
      if (names) news[SECRET_INPUTS] = names;
      const result = await impl(kind).check(olds, news);
      const resp = new provider.CheckResponse();
      resp.setInputs(toStruct(wrapSecrets(result.inputs ?? news, secretOutputKeys(kind, given.secretKeys))));
      resp.setFailuresList(failuresOf(result.failures ?? []));
      return resp;
    }),
    diff: step(async (req, keys) => {
      const kind = kindOf(req);
      keys.kind = kind;
      const olds = unwrapSecrets(withoutDynamicKeys(toJs(req.getOlds()))).plain;
      const oldInputs = unwrapSecrets(withoutDynamicKeys(toJs(req.getOldInputs()))).plain;
      const news = unwrapSecrets(toJs(req.getNews())).plain;
      const result = await impl(kind).diff(req.getId(), olds, news);
      const details = detailedDiff(Object.keys(oldInputs).length ? oldInputs : olds, news, result, NOT_SHOWN);
      const resp = new provider.DiffResponse();
      resp.setChanges(
        result.changes ? provider.DiffResponse.DiffChanges.DIFF_SOME : provider.DiffResponse.DiffChanges.DIFF_NONE,
      );
      resp.setReplacesList(result.replaces);
      resp.setDeletebeforereplace(result.deleteBeforeReplace);
      resp.setDiffsList(Object.keys(details));
      resp.setHasdetaileddiff(true);
      const map = resp.getDetaileddiffMap();
      for (const [key, change] of Object.entries(details)) {
        const d = new provider.PropertyDiff();
        d.setKind(KIND_CHANGES[change]);
        d.setInputdiff(true);
        map.set(key, d);
      }
      return resp;
    }),
    create: step(async (req, keys) => {
      const kind = kindOf(req);
      keys.kind = kind;
      const inputs = unwrapSecrets(toJs(req.getProperties()));
      keys.secret = inputs.secretKeys;
      const result = await impl(kind).create(inputs.plain);
      const resp = new provider.CreateResponse();
      resp.setId(result.id);
      resp.setProperties(toStruct(wrapSecrets(result.outs, secretOutputKeys(kind, inputs.secretKeys))));
      return resp;
    }),
    read: step(async (req, keys) => {
      const kind = kindOf(req);
      keys.kind = kind;
      const state = unwrapSecrets(withoutDynamicKeys(toJs(req.getProperties())));
      const inputs = unwrapSecrets(withoutDynamicKeys(toJs(req.getInputs())));
      keys.secret = new Set([...state.secretKeys, ...inputs.secretKeys]);
      const importing = Object.keys(state.plain).length === 0 && Object.keys(inputs.plain).length === 0;
      if (importing && (kind === 'aws-connection-role' || kind === BASTION_KEYS_KIND))
        throw new Error(
          `${classOf(kind)} cannot be imported: its id does not say ${kind === BASTION_KEYS_KIND ? 'how to log in to the bastion' : 'which connections the role serves'}. ` +
            'Declare it in the program with adoptExisting: true instead (README "Every Pulumi language")',
        );
      const result = await impl(kind).read(req.getId(), state.plain);
      const resp = new provider.ReadResponse();
      if (!result.id) {
        if (importing)
          throw new Error(
            `no ${classOf(kind)} with catalog id ${JSON.stringify(req.getId())} in this Materialize: import takes the ` +
              "object's catalog id (mz_connections.id or mz_secrets.id, e.g. u42), not its name",
          );
        return resp;
      }
      const secret = secretOutputKeys(kind, keys.secret);
      resp.setId(result.id);
      resp.setProperties(toStruct(wrapSecrets(result.props ?? {}, secret)));
      if (result.inputs) resp.setInputs(toStruct(wrapSecrets(result.inputs, secret)));
      return resp;
    }),
    update: step(async (req, keys) => {
      const kind = kindOf(req);
      keys.kind = kind;
      const olds = unwrapSecrets(withoutDynamicKeys(toJs(req.getOlds())));
      const news = unwrapSecrets(toJs(req.getNews()));
      keys.secret = news.secretKeys;
      const result = await impl(kind).update(req.getId(), olds.plain, news.plain);
      const resp = new provider.UpdateResponse();
      resp.setProperties(toStruct(wrapSecrets(result.outs, secretOutputKeys(kind, news.secretKeys))));
      return resp;
    }),
    delete: step(async (req, keys) => {
      const kind = kindOf(req);
      keys.kind = kind;
      await impl(kind).delete(req.getId(), unwrapSecrets(withoutDynamicKeys(toJs(req.getProperties()))).plain);
      return new empty.Empty();
    }),
    cancel: (_call: Call, callback: Callback) => callback(null, new empty.Empty()),
    attach: unimplemented('Attach'),
    handshake: unimplemented('Handshake'),
    parameterize: unimplemented('Parameterize'),
    invoke: unimplemented('Invoke'),
    call: unimplemented('Call'),
    construct: unimplemented('Construct'),
    getMapping: (_call: Call, callback: Callback) => callback(null, new provider.GetMappingResponse()),
    getMappings: (_call: Call, callback: Callback) => callback(null, new provider.GetMappingsResponse()),
    list: (call: { emit(event: string, err: unknown): void }) =>
      call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: `List is not implemented by ${PACKAGE}` }),
  };
}

/** Serves the provider on a free local port; resolves with it. */
export async function serve(version: string): Promise<{ port: number; server: InstanceType<typeof grpc.Server> }> {
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 400 * 1024 * 1024 });
  server.addService(providerRpc.ResourceProviderService, providerService(version) as never);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return { port, server };
}
