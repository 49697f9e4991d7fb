import * as pulumi from '@pulumi/pulumi';
import { MaterializeObject, registerObject, type ObjectArgs } from './base';
import { quietly } from './shim';

export interface SecretArgs extends ObjectArgs {
  /**
   * The secret's value. Stored in Materialize as bytea, sent byte-exact; marked secret in Pulumi state.
   * Materialize never returns it, so a change made outside Pulumi cannot be detected: rotate by changing it here.
   */
  value: pulumi.Input<string>;
}

/** A Materialize SECRET, referenced by connections for passwords, keys and tokens. */
export class Secret extends MaterializeObject {
  /** The secret's catalog id (e.g. `u12`). */
  declare readonly secretId: pulumi.Output<string>;
  /** The value (a Pulumi secret). */
  declare readonly value: pulumi.Output<string>;

  constructor(name: string, args: SecretArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      ...quietly(() =>
        registerObject(
          'secret',
          'Secret',
          name,
          { ...args, value: pulumi.secret(args.value) },
          ['secretId'],
          ['value'],
          opts,
        ),
      ),
    );
  }
}
