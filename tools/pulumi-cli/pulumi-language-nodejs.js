#!/usr/bin/env node
// The Node.js language host the Pulumi CLI starts to run a `runtime: nodejs` program.
//
// Pulumi's own host (the Go module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is not
// served by the Go module proxy these machines reach (403 for every version), so this one stands in for it.
// It does what that host does for `up`, `preview`, `refresh` and `destroy`, and nothing of its own: it serves
// the LanguageRuntime gRPC service with the SDK's own generated stubs and, for Run, starts the program with the
// SDK's own runner (`@pulumi/pulumi/cmd/run`, resolved from the program's directory) and the same flags and
// environment (PULUMI_CONFIG, PULUMI_CONFIG_SECRET_KEYS, PULUMI_NODEJS_TYPESCRIPT, PULUMI_NODEJS_TSCONFIG_PATH),
// mapping exit code 32 ("error already reported") to a bail as the Go host does. Plain JavaScript: it is copied
// beside the built `pulumi` binary and runs without this repository.
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

// Methods left out (InstallDependencies, RunPlugin, the code generators, Pack, Link) answer UNIMPLEMENTED,
// grpc-js's default: `pulumi install`, `pulumi new` and `pulumi convert` are not served.
const server = new grpc.Server({ 'grpc.max_receive_message_length': 1024 * 1024 * 400 });
server.addService(langrpc.LanguageRuntimeService, {
  handshake: (_call, callback) => callback(null, new langproto.LanguageHandshakeResponse()),
  getRequiredPlugins: (_call, callback) => callback(null, new langproto.GetRequiredPluginsResponse()),
  getRequiredPackages: (_call, callback) => callback(null, new langproto.GetRequiredPackagesResponse()),
  run,
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
