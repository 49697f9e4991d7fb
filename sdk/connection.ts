import * as pulumi from '@pulumi/pulumi';
import type { DiagnoseOptions } from '../provider/diagnose/wiring';
import { connectionSpecs, type ConnectionKind } from '../provider/specs';
import { connectionProps, MaterializeObject, registerObject, secretMark, type ObjectArgs } from './base';
import { quietly } from './shim';

export interface ConnectionArgs extends ObjectArgs {
  /**
   * `WITH (VALIDATE = ...)` on CREATE and ALTER. Unset, Materialize's default for the type applies
   * (validate Kafka, CSR, Postgres, MySQL, SQL Server, Iceberg; not AWS, PrivateLink, SSH).
   */
  validate?: pulumi.Input<boolean>;
  /**
   * When Materialize rejects the connection at create or update (validation failed), probe the same
   * upstream from the deploying machine (DNS, TCP, TLS, auth, privileges, configuration) within a short
   * budget and append the verdict to the error. Default on; `false` turns it off. Materialize never returns
   * secret values, so give the probe the ones it should use in `secrets` (by secret name), and a key the
   * SSH bastion accepts in `sshPrivateKey` to probe through a tunnel, with the bastion's host key in
   * `sshHostKeySha256` (without it no credential is sent through the tunnel). Stored as a secret.
   */
  diagnose?: pulumi.Input<boolean | pulumi.Input<DiagnoseOptions>>;
}

/** The common base of every connection resource. */
export abstract class Connection extends MaterializeObject {
  /** The connection's catalog id (e.g. `u7`). */
  declare readonly connectionId: pulumi.Output<string>;
  /** The definition Materialize stores, with references by name. */
  declare readonly createSql: pulumi.Output<string>;

  protected constructor(
    kind: ConnectionKind,
    type: string,
    name: string,
    args: ConnectionArgs,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      ...quietly(() => {
        const spec = connectionSpecs[kind];
        const outputs = [
          'connectionId',
          'createSql',
          ...[...spec.catalogOutputs, ...(spec.derivedOutputs ?? [])].map((o) => o.output),
        ];
        // A credential given as text (a session token, an OAuth credential) is a secret output.
        const sensitive = connectionSpecs[kind].options.filter((o) => o.sensitive).map((o) => o.arg);
        const props = connectionProps(kind, args) as Record<string, unknown>;
        // An output that repeats an argument (PROGRESS TOPIC read back) goes out as a placeholder input of its key
        // when that argument is secret: the engine marks an output secret by the key of a secret input.
        const given = args as unknown as Record<string, unknown>;
        for (const o of spec.catalogOutputs)
          if (o.echoes?.length) props[o.output] = secretMark(o.echoes.map((a) => given[a]));
        return registerObject(kind, type, name, props as pulumi.Inputs, outputs, sensitive, opts);
      }),
    );
  }
}
