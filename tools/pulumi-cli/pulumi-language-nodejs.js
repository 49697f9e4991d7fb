#!/usr/bin/env node
// The Node.js language host the Pulumi CLI starts to run a `runtime: nodejs` program.
//
// Pulumi's own host (the Go module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is not
// served by the Go module proxy these machines reach (403 for every version), so this one stands in for it.
// It does what that host does for `up`, `preview`, `refresh` and `destroy`, and nothing of its own: it serves
// the LanguageRuntime gRPC service with the SDK's own generated stubs and, for Run, starts the program with the
// SDK's own runner (`@pulumi/pulumi/cmd/run`, resolved from the program's directory) and the same flags and
// environment (PULUMI_CONFIG, PULUMI_CONFIG_SECRET_KEYS, PULUMI_NODEJS_TYPESCRIPT, PULUMI_NODEJS_TSCONFIG_PATH),
// mapping exit code 32 ("error already reported") to a bail as the Go host does. RunPlugin runs a plugin
// written in Node.js the way the Go host does; for a policy pack (`--policy-pack <dir>`, kind "analyzer") that
// is `@pulumi/pulumi/cmd/run-policy-pack` resolved from the pack's folder, started in that folder, behind the same
// proxy the Go host puts in front of it (see runPolicyPack). Plain JavaScript: it is copied beside the built
// `pulumi` binary and runs without this repository.
'use strict';
const { spawn } = require('child_process');
const path = require('path');

const flags = process.argv.slice(2).filter((a) => a.startsWith('-'));
const positional = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const engineAddress = positional[0] ?? '';
const rootFlag = flags.find((f) => /^--?root=/.test(f));
const searchFrom = [process.cwd(), ...(rootFlag ? [rootFlag.replace(/^--?root=/, '')] : [])];

function resolveSdk(file, dirs) {
  for (const dir of dirs) {
    try {
      return require.resolve(`@pulumi/pulumi/${file}`, { paths: [dir] });
    } catch {
      // try the next directory
    }
  }
  return undefined;
}

const sdkEntry = resolveSdk('package.json', searchFrom);
if (!sdkEntry) {
  process.stderr.write(
    'It looks like the Pulumi SDK has not been installed. Have you run npm install or yarn install?\n',
  );
  process.exit(1);
}
const sdkDir = path.dirname(sdkEntry);
const fromSdk = (id) => require(require.resolve(id, { paths: [sdkDir] }));
const grpc = fromSdk('@grpc/grpc-js');
const langproto = require(path.join(sdkDir, 'proto/language_pb'));
const langrpc = require(path.join(sdkDir, 'proto/language_grpc_pb'));
const pluginproto = require(path.join(sdkDir, 'proto/plugin_pb'));
const sdkVersion = require(sdkEntry).version;

const BAIL_EXIT_CODE = 32;

function runtimeOptions(info) {
  const options = info?.getOptions()?.toJavaScript() ?? {};
  return {
    typescript: options.typescript === undefined ? true : options.typescript !== false,
    tsconfig: typeof options.tsconfig === 'string' ? options.tsconfig : undefined,
    nodeargs: typeof options.nodeargs === 'string' ? options.nodeargs.split(/\s+/).filter(Boolean) : [],
  };
}

function runArguments(req, runPath) {
  const info = req.getInfo();
  const args = [runPath];
  const add = (flag, value) => {
    if (value !== undefined && value !== '') args.push(`--${flag}`, String(value));
  };
  add('monitor', req.getMonitorAddress());
  add('engine', engineAddress);
  add('organization', req.getOrganization());
  add('project', req.getProject());
  add('stack', req.getStack());
  add('pwd', req.getPwd());
  add('root-directory', info?.getRootDirectory());
  if (req.getDryrun()) args.push('--dry-run');
  add('parallel', req.getParallel());
  args.push(info?.getEntryPoint() || req.getProgram() || '.');
  args.push(...req.getArgsList());
  return args;
}

function run(call, callback) {
  const req = call.request;
  const info = req.getInfo();
  const programDir = info?.getProgramDirectory() || req.getPwd() || process.cwd();
  const runPath = resolveSdk('cmd/run', [programDir, ...searchFrom]);
  const response = new langproto.RunResponse();
  if (!runPath) {
    response.setError(`could not find @pulumi/pulumi/cmd/run from ${programDir}: is @pulumi/pulumi installed?`);
    return callback(null, response);
  }
  const options = runtimeOptions(info);
  const config = Object.fromEntries(req.getConfigMap().entries());
  const env = {
    ...process.env,
    PULUMI_CONFIG: JSON.stringify(config),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(req.getConfigsecretkeysList()),
    PULUMI_NODEJS_TYPESCRIPT: String(options.typescript),
    ...(options.tsconfig ? { PULUMI_NODEJS_TSCONFIG_PATH: options.tsconfig } : {}),
  };
  const child = spawn(process.execPath, [...options.nodeargs, ...runArguments(req, runPath)], {
    cwd: programDir,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('error', (err) => {
    response.setError(`Problem executing program (could not run language executor): ${err.message}`);
    callback(null, response);
  });
  child.on('exit', (code, signal) => {
    if (code === BAIL_EXIT_CODE) response.setBail(true);
    else if (code !== 0)
      response.setError(
        signal ? `Program exited unexpectedly: ${signal}` : `Program exited with non-zero exit code: ${code}`,
      );
    callback(null, response);
  });
}

// ---- RunPlugin: plugins written in Node.js, policy packs among them

/** `K=V` strings (what the CLI sends) as an environment; the CLI's list already holds its own environment. */
function environmentOf(list) {
  if (list.length === 0) return { ...process.env };
  const env = {};
  for (const entry of list) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** A message of the RunPlugin stream: stdout or stderr bytes. */
function sender(call) {
  return (which, chunk) => {
    if (call.cancelled || chunk.length === 0) return;
    const response = new langproto.RunPluginResponse();
    if (which === 'stdout') response.setStdout(chunk);
    else response.setStderr(chunk);
    call.write(response);
  };
}

function failCall(call, message) {
  if (!call.cancelled) call.emit('error', { code: grpc.status.UNKNOWN, details: message });
}

/** The exit of a plugin process, as the Go host words it. */
function exitMessage(code, signal) {
  return signal ? `Program exited unexpectedly: ${signal}` : `Program exited with non-zero exit code: ${code}`;
}

function runPlugin(call) {
  const req = call.request;
  const info = req.getInfo();
  const programDir = info?.getProgramDirectory() || req.getPwd() || process.cwd();
  const isPolicyPack = req.getKind() === 'analyzer';
  const module = isPolicyPack
    ? '@pulumi/pulumi/cmd/run-policy-pack'
    : process.env.PULUMI_LANGUAGE_NODEJS_RUN_PATH || '@pulumi/pulumi/cmd/run-plugin';
  let runPath;
  try {
    runPath = require.resolve(module, { paths: [programDir] });
  } catch {
    return failCall(
      call,
      `could not find ${module} from ${programDir}: it looks like the ${isPolicyPack ? "policy pack's" : "plugin's"} ` +
        'dependencies are not installed; try running npm install or yarn install there',
    );
  }
  const options = runtimeOptions(info);
  const env = environmentOf(req.getEnvList());
  if (options.typescript) env.PULUMI_NODEJS_TYPESCRIPT = 'true';
  if (options.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
  // A policy pack takes its folder last, every other plugin first.
  const args = isPolicyPack
    ? [runPath, ...options.nodeargs, ...req.getArgsList(), programDir]
    : [runPath, ...options.nodeargs, programDir, ...req.getArgsList()];
  // Policy packs have always run in their own folder, other plugins in the CLI's working directory.
  const cwd = isPolicyPack ? programDir : req.getPwd() || programDir;
  if (isPolicyPack) return runPolicyPack(call, { args, cwd, env });
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const send = sender(call);
  child.stdout.on('data', (chunk) => send('stdout', chunk));
  child.stderr.on('data', (chunk) => send('stderr', chunk));
  call.on('cancelled', () => child.kill());
  child.on('error', (err) =>
    failCall(call, `Problem executing plugin program (could not run language executor): ${err.message}`),
  );
  child.on('close', (code, signal) => (code === 0 ? call.end() : failCall(call, exitMessage(code, signal))));
}

/**
 * A policy pack behind an Analyzer proxy, as the Go host runs one. The CLI talks to the proxy (its port is the
 * first line of the plugin's stdout); the proxy answers Handshake itself and waits for ConfigureStack, whose
 * organization, project, stack, dry-run flag and config it hands the pack as the environment older packs read
 * (PULUMI_NODEJS_*, PULUMI_CONFIG); then it starts the pack, reads the pack's port from the pack's stdout, passes
 * ConfigureStack on (UNIMPLEMENTED is fine: older packs lack it) and forwards every other call. A call that comes
 * before ConfigureStack (`pulumi policy publish` makes them) starts the pack without configuration.
 */
function runPolicyPack(call, { args, cwd, env }) {
  const analyzerrpc = require(path.join(sdkDir, 'proto/analyzer_grpc_pb'));
  const analyzerproto = require(path.join(sdkDir, 'proto/analyzer_pb'));
  const send = sender(call);
  let configured;
  const configuration = new Promise((resolve) => (configured = resolve));
  let attached;
  let refused;
  const client = new Promise((resolve, reject) => ((attached = resolve), (refused = reject)));
  client.catch(() => undefined); // awaited by each forwarded call; an unawaited rejection must not end the host
  let child;
  let stopped = false;

  const forward = (method) => (proxied, callback) => {
    configured(null);
    client.then(
      (c) => c[method](proxied.request, callback),
      (err) => callback({ code: grpc.status.UNAVAILABLE, details: `policy pack not started: ${err.message}` }),
    );
  };
  const handlers = {};
  for (const method of Object.keys(analyzerrpc.AnalyzerService)) handlers[method] = forward(method);
  handlers.handshake = (_proxied, callback) => callback(null, new analyzerproto.AnalyzerHandshakeResponse());
  handlers.configureStack = (proxied, callback) => {
    configured(proxied.request);
    callback(null, new analyzerproto.AnalyzerStackConfigureResponse());
  };
  const proxy = new grpc.Server({ 'grpc.max_receive_message_length': 1024 * 1024 * 400 });
  proxy.addService(analyzerrpc.AnalyzerService, handlers);

  const stop = () => {
    stopped = true;
    proxy.forceShutdown();
    if (child && child.exitCode === null) child.kill();
  };
  call.on('cancelled', stop);

  proxy.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), async (err, port) => {
    if (err) return failCall(call, `could not start policy pack proxy: ${err.message}`);
    send('stdout', Buffer.from(`${port}\n`));
    const config = await configuration;
    if (stopped) return;
    const childEnv = { ...env };
    const maybe = (k, v) => {
      if (v) childEnv[k] = v;
    };
    if (config) {
      maybe('PULUMI_NODEJS_ORGANIZATION', config.getOrganization());
      maybe('PULUMI_NODEJS_PROJECT', config.getProject());
      maybe('PULUMI_NODEJS_STACK', config.getStack());
      maybe('PULUMI_NODEJS_DRY_RUN', String(config.getDryRun()));
      maybe('PULUMI_CONFIG', JSON.stringify(Object.fromEntries(config.getConfigMap().entries())));
    }
    child = spawn(process.execPath, args, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr.on('data', (chunk) => send('stderr', chunk));
    let pending = '';
    let packPort;
    child.stdout.on('data', (chunk) => {
      if (packPort !== undefined) return send('stdout', chunk);
      pending += chunk.toString('utf8');
      const newline = pending.indexOf('\n');
      if (newline < 0) return;
      packPort = Number(pending.slice(0, newline).trim());
      const rest = pending.slice(newline + 1);
      if (rest) send('stdout', Buffer.from(rest));
      if (!Number.isInteger(packPort) || packPort <= 0) {
        refused(new Error(`could not read policy pack port from ${JSON.stringify(pending.slice(0, newline))}`));
        return;
      }
      const c = new analyzerrpc.AnalyzerClient(`127.0.0.1:${packPort}`, grpc.credentials.createInsecure());
      if (!config) return attached(c);
      c.configureStack(config, (configureErr) => {
        if (configureErr && configureErr.code !== grpc.status.UNIMPLEMENTED) {
          refused(new Error(`policy pack configuration failed: ${configureErr.details || configureErr.message}`));
        } else attached(c);
      });
    });
    child.on('error', (spawnErr) => {
      refused(spawnErr);
      failCall(call, `Problem executing plugin program (could not run language executor): ${spawnErr.message}`);
    });
    child.on('close', (code, signal) => {
      refused(new Error(`the policy pack exited (${exitMessage(code, signal)})`));
      proxy.forceShutdown();
      if (code === 0 || stopped) call.end();
      else failCall(call, exitMessage(code, signal));
    });
  });
}

// Methods left out (InstallDependencies, the code generators, Pack, Link) answer UNIMPLEMENTED, grpc-js's
// default: `pulumi install`, `pulumi new` and `pulumi convert` are not served (`pulumi preview --policy-pack` with a
// local pack does not call InstallDependencies: the pack's dependencies are whatever its folder resolves).
const server = new grpc.Server({ 'grpc.max_receive_message_length': 1024 * 1024 * 400 });
server.addService(langrpc.LanguageRuntimeService, {
  handshake: (_call, callback) => callback(null, new langproto.LanguageHandshakeResponse()),
  getRequiredPlugins: (_call, callback) => callback(null, new langproto.GetRequiredPluginsResponse()),
  getRequiredPackages: (_call, callback) => callback(null, new langproto.GetRequiredPackagesResponse()),
  run,
  runPlugin,
  getPluginInfo: (_call, callback) => {
    const pluginInfo = new pluginproto.PluginInfo();
    pluginInfo.setVersion(sdkVersion);
    callback(null, pluginInfo);
  },
  about: (_call, callback) => {
    const about = new langproto.AboutResponse();
    about.setExecutable(process.execPath);
    about.setVersion(process.version);
    callback(null, about);
  },
  getProgramDependencies: (_call, callback) => callback(null, new langproto.GetProgramDependenciesResponse()),
  cancel: (_call, callback) => callback(null, new (fromSdk('google-protobuf/google/protobuf/empty_pb').Empty)()),
});
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) {
    process.stderr.write(`could not start the language host's gRPC server: ${err.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`${port}\n`);
});
