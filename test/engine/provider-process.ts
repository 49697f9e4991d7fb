// Spawns the real `@pulumi/pulumi/cmd/dynamic-provider` server the way the CLI's
// `pulumi-resource-pulumi-nodejs` launcher does (from the program directory) and talks to it over gRPC
// with the SDK's own generated clients and messages.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { spawn, ChildProcess } from 'child_process';
import * as path from 'path';
import * as readline from 'readline';
import { PropertyMap, plainMap } from './values';

// Load protobuf/grpc from where @pulumi/pulumi resolves them: the generated classes check `instanceof`
// against their own google-protobuf / grpc-js copies, which differ between SDK versions.
const pulumiDir = path.dirname(require.resolve('@pulumi/pulumi/package.json'));
const fromPulumi = (id: string) => require(require.resolve(id, { paths: [pulumiDir] }));
const grpc = fromPulumi('@grpc/grpc-js');
const { Struct } = fromPulumi('google-protobuf/google/protobuf/struct_pb');
const emptyproto = fromPulumi('google-protobuf/google/protobuf/empty_pb');
const provproto = require('@pulumi/pulumi/proto/provider_pb');
const provrpc = require('@pulumi/pulumi/proto/provider_grpc_pb');
const statusproto = require('@pulumi/pulumi/proto/status_pb');

export type DiffChanges = 'none' | 'some' | 'unknown';

export interface CheckResult {
  inputs: PropertyMap;
  failures: { property: string; reason: string }[];
}
export interface DiffResult {
  changes: DiffChanges;
  replaces: string[];
  deleteBeforeReplace: boolean;
}
export interface InitFailure {
  id: string;
  properties: PropertyMap;
  reasons: string[];
}

/** A gRPC error from the provider, with ErrorResourceInitFailed details decoded if present. */
export class ProviderError extends Error {
  constructor(
    readonly method: string,
    readonly urn: string,
    readonly code: number,
    readonly details: string,
    readonly initFailure?: InitFailure,
  ) {
    super(`${method} ${urn}: ${details}`);
    this.name = 'ProviderError';
  }
}

const toStruct = (m: PropertyMap) => Struct.fromJavaScript(plainMap(m));

export interface ProviderProcessOptions {
  cwd: string;
  project: string;
  stack: string;
  env?: Record<string, string | undefined>;
  log: (line: string) => void;
}

export class ProviderProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    private readonly client: any,
    private readonly log: (line: string) => void,
  ) {}

  /** Everything that the engine would call, ever, in this process (method + urn), for ordering assertions. */
  readonly calls: { method: string; urn: string }[] = [];

  static async start(o: ProviderProcessOptions): Promise<ProviderProcess> {
    // Like the launcher: resolve the server from the program directory, fall back to ours.
    let entry: string;
    try {
      entry = require.resolve('@pulumi/pulumi/cmd/dynamic-provider', { paths: [o.cwd] });
    } catch {
      entry = require.resolve('@pulumi/pulumi/cmd/dynamic-provider');
    }
    // Environment the engine sets for plugins (provider_plugin.go); PULUMI_CONFIG only carries pulumi-nodejs:*.
    const child = spawn(process.execPath, [entry, '127.0.0.1:1'], {
      cwd: o.cwd,
      env: {
        ...process.env,
        PULUMI_NODEJS_PROJECT: o.project,
        PULUMI_PROJECT: o.project,
        PULUMI_NODEJS_STACK: o.stack,
        PULUMI_STACK: o.stack,
        PULUMI_CONFIG: '{}',
        ...o.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    liveChildren.add(child);
    child.once('exit', () => liveChildren.delete(child));
    readline.createInterface({ input: child.stderr! }).on('line', (l) => o.log(`[provider stderr] ${l}`));
    const rl = readline.createInterface({ input: child.stdout! });
    const port = await new Promise<number>((resolve, reject) => {
      let first = true;
      const t = setTimeout(() => reject(new Error('dynamic provider did not announce its port within 20s')), 20000);
      rl.on('line', (l) => {
        if (first) {
          first = false;
          clearTimeout(t);
          const p = parseInt(l.trim(), 10);
          if (Number.isFinite(p)) resolve(p);
          else reject(new Error(`dynamic provider printed "${l}" instead of a port`));
          return;
        }
        o.log(`[provider stdout] ${l}`);
      });
      child.once('exit', (code, sig) => {
        clearTimeout(t);
        reject(new Error(`dynamic provider exited (${code ?? sig}) before announcing its port`));
      });
    }).catch((e) => {
      child.kill('SIGKILL');
      throw e;
    });
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new ProviderProcess(child, port, client, o.log);
  }

  private rpc(method: string, urn: string, req: any): Promise<any> {
    this.calls.push({ method, urn });
    return new Promise((resolve, reject) =>
      this.client[method](req, (err: any, resp: any) => {
        if (!err) return resolve(resp);
        let initFailure: InitFailure | undefined;
        try {
          const raw = err.metadata?.get('grpc-status-details-bin')?.[0];
          if (raw) {
            const st = statusproto.Status.deserializeBinary(raw);
            for (const any of st.getDetailsList()) {
              if (!String(any.getTypeUrl()).endsWith('pulumirpc.ErrorResourceInitFailed')) continue;
              const d = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
              initFailure = {
                id: d.getId(),
                properties: d.getProperties()?.toJavaScript() ?? {},
                reasons: d.getReasonsList(),
              };
            }
          }
        } catch (e) {
          this.log(`[engine] could not decode error details: ${e}`);
        }
        const details = err.details ?? err.message;
        this.log(
          `[grpc error] ${method} ${urn}: code=${err.code} ${details}` +
            (initFailure ? ` (ErrorResourceInitFailed id=${initFailure.id} reasons=${initFailure.reasons})` : ''),
        );
        reject(new ProviderError(method, urn, err.code, details, initFailure));
      }),
    );
  }

  async pluginInfo(): Promise<string> {
    return (await this.rpc('getPluginInfo', '', new emptyproto.Empty())).getVersion();
  }

  /** Engine-side Configure: args carry the whole stack config (namespaced keys), secrets secret-wrapped. */
  async configure(args: PropertyMap, variables: Record<string, string>): Promise<{ acceptSecrets: boolean }> {
    const req = new provproto.ConfigureRequest();
    req.setArgs(Struct.fromJavaScript(args));
    for (const [k, v] of Object.entries(variables)) req.getVariablesMap().set(k, v);
    req.setAcceptsecrets(true);
    req.setAcceptresources(true);
    const r = await this.rpc('configure', '', req);
    return { acceptSecrets: r.getAcceptsecrets() };
  }

  async check(urn: string, olds: PropertyMap, news: PropertyMap): Promise<CheckResult> {
    const req = new provproto.CheckRequest();
    req.setUrn(urn);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    const r = await this.rpc('check', urn, req);
    return {
      inputs: r.getInputs()?.toJavaScript() ?? {},
      failures: r.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(
    urn: string,
    id: string,
    olds: PropertyMap,
    news: PropertyMap,
    oldInputs: PropertyMap,
  ): Promise<DiffResult> {
    const req = new provproto.DiffRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    if (typeof req.setOldInputs === 'function') req.setOldInputs(toStruct(oldInputs));
    const r = await this.rpc('diff', urn, req);
    const C = provproto.DiffResponse.DiffChanges;
    const c = r.getChanges();
    return {
      changes: c === C.DIFF_SOME ? 'some' : c === C.DIFF_NONE ? 'none' : 'unknown',
      replaces: r.getReplacesList(),
      deleteBeforeReplace: r.getDeletebeforereplace(),
    };
  }

  async create(urn: string, props: PropertyMap): Promise<{ id: string; properties: PropertyMap }> {
    const req = new provproto.CreateRequest();
    req.setUrn(urn);
    req.setProperties(toStruct(props));
    const r = await this.rpc('create', urn, req);
    return { id: r.getId(), properties: r.getProperties()?.toJavaScript() ?? {} };
  }

  async read(
    urn: string,
    id: string,
    props: PropertyMap,
    inputs: PropertyMap,
  ): Promise<{ id: string; properties: PropertyMap; inputs?: PropertyMap }> {
    const req = new provproto.ReadRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(toStruct(props));
    req.setInputs(toStruct(inputs));
    const r = await this.rpc('read', urn, req);
    return {
      id: r.getId(),
      properties: r.getProperties()?.toJavaScript() ?? {},
      inputs: r.getInputs()?.toJavaScript(),
    };
  }

  async update(
    urn: string,
    id: string,
    olds: PropertyMap,
    news: PropertyMap,
    oldInputs: PropertyMap,
  ): Promise<{ properties: PropertyMap }> {
    const req = new provproto.UpdateRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(toStruct(olds));
    req.setNews(toStruct(news));
    if (typeof req.setOldInputs === 'function') req.setOldInputs(toStruct(oldInputs));
    const r = await this.rpc('update', urn, req);
    return { properties: r.getProperties()?.toJavaScript() ?? {} };
  }

  async delete(urn: string, id: string, props: PropertyMap, oldInputs: PropertyMap): Promise<void> {
    const req = new provproto.DeleteRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(toStruct(props));
    if (typeof req.setOldInputs === 'function') req.setOldInputs(toStruct(oldInputs));
    await this.rpc('delete', urn, req);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(): Promise<void> {
    try {
      this.client.close();
    } catch {
      // ignore
    }
    if (!this.running) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  }
}

// Last-resort cleanup: never leave cmd/dynamic-provider orphans behind (the server never exits on its own).
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of liveChildren) {
    try {
      c.kill('SIGKILL');
    } catch {
      // ignore
    }
  }
});
