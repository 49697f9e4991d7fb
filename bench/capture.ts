// Runs a Pulumi program in-process (pulumi.runtime.setMocks) only to capture what it registers: each
// resource's type, name, inputs (with the `__provider` that pulumi.dynamic's real serializer produced)
// and dependencies. Nothing reaches a provider here; bench/engine.ts replays the registrations.
/* eslint-disable @typescript-eslint/no-explicit-any */
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { plainMap, type PropertyMap } from '../test/engine/values';

const settings = require('@pulumi/pulumi/runtime/settings');
const resproto = require('@pulumi/pulumi/proto/resource_pb');
const pulumiDir = path.dirname(require.resolve('@pulumi/pulumi/package.json'));
const { Struct } = require(require.resolve('google-protobuf/google/protobuf/struct_pb', { paths: [pulumiDir] }));

export interface Registration {
  urn: string;
  type: string;
  name: string;
  /** Plain inputs as the engine hands them to a provider that does not accept secrets. */
  inputs: PropertyMap;
  /** URNs of the resources this one depends on (from its Output inputs). */
  dependencies: string[];
}

export async function capture(program: () => unknown, project: string, stack: string): Promise<Registration[]> {
  const found: Registration[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: () => {
        throw new Error('bench: unexpected read of an existing resource');
      },
      call: () => {
        throw new Error('bench: unexpected invoke');
      },
    },
    project,
    stack,
    false,
  );
  const monitor = settings.getMonitor();
  monitor.registerResource = (req: any, cb: (err: unknown, resp?: unknown) => void) => {
    const type: string = req.getType();
    const name: string = req.getName();
    const urn = `urn:pulumi:${stack}::${project}::${type}::${name}`;
    const object: PropertyMap = req.getObject()?.toJavaScript() ?? {};
    if (req.getCustom())
      found.push({
        urn,
        type,
        name,
        inputs: plainMap(object),
        dependencies: [...new Set<string>(req.getDependenciesList())],
      });
    const resp = new resproto.RegisterResourceResponse();
    resp.setUrn(urn);
    resp.setId(req.getCustom() ? `id-${name}` : '');
    // The program sees its own inputs as outputs: enough for references (name, schemaName, databaseName).
    resp.setObject(Struct.fromJavaScript(object));
    cb(null, resp);
  };
  monitor.registerResourceOutputs = (_req: unknown, cb: (err: unknown, resp?: unknown) => void) => cb(null, {});
  await pulumi.runtime.runInPulumiStack(async () => program());
  await settings.waitForRPCs();
  return found;
}
