// Pulumi's generated gRPC stubs and their runtime, loaded from the installed @pulumi/pulumi (a peer dependency),
// so the messages are built with the very google-protobuf and grpc-js instances those stubs use (also under pnpm,
// which does not hoist them).
import * as path from 'path';

type Module = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const sdkDir = path.dirname(require.resolve('@pulumi/pulumi/package.json'));
const fromSdk = (id: string): Module => require(require.resolve(id, { paths: [sdkDir] }));

export const grpc = fromSdk('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
export const provider = fromSdk('@pulumi/pulumi/proto/provider_pb');
export const providerRpc = fromSdk('@pulumi/pulumi/proto/provider_grpc_pb');
export const plugin = fromSdk('@pulumi/pulumi/proto/plugin_pb');
export const struct = fromSdk('google-protobuf/google/protobuf/struct_pb');
export const empty = fromSdk('google-protobuf/google/protobuf/empty_pb');
export const any = fromSdk('google-protobuf/google/protobuf/any_pb');
export const status = fromSdk('@pulumi/pulumi/proto/status_pb');
