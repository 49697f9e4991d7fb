// An Automation API inline program that did not use `workspaceOptions()` fails when the CLI starts the
// dynamic-provider plugin, with messages that never name this package (see automation.ts). The program itself
// is where this package can see it coming: the first resource warns, naming the helper, before that failure.
import * as pulumi from '@pulumi/pulumi';

/** Set by workspaceOptions() in this process (a global symbol: one flag even with two copies of this package). */
export const AUTOMATION_MARK = Symbol.for('pulumi-materialize-connections/automation');

export const INLINE_WARNING =
  'pulumi-materialize-connections: this looks like an Automation API inline program, and its LocalWorkspace ' +
  "options did not come from workspaceOptions() of 'pulumi-materialize-connections/automation'. The Pulumi CLI " +
  "starts the dynamic-provider plugin in the workspace's work dir, which must resolve @pulumi/pulumi and this " +
  'package: unless it does, the preview fails with "Cannot find module \'@pulumi/pulumi/cmd/dynamic-provider\'" ' +
  'and "could not read plugin [...pulumi-resource-pulumi-nodejs]: EOF". Pass workspaceOptions(yourOptions) to ' +
  'LocalWorkspace.createOrSelectStack (README, "Pipelines").';

let warned = false;

/**
 * An inline program: a real engine's monitor (a gRPC client; under mocks it is a MockMonitor) in a process that
 * `@pulumi/pulumi/cmd/run` did not start (it puts the monitor's address in PULUMI_NODEJS_MONITOR for a program
 * folder). The Automation API's language server runs the inline program in the caller's own process instead.
 */
export function isInlineProgram(): boolean {
  if (process.env.PULUMI_NODEJS_MONITOR !== undefined || !pulumi.runtime.hasMonitor()) return false;
  const monitor = pulumi.runtime.getMonitor() as { getChannel?: unknown } | undefined;
  return typeof monitor?.getChannel === 'function';
}

/** Warns once per process when an inline program runs without the helper. */
export function checkInlineProgram(): void {
  if (warned || (globalThis as Record<symbol, unknown>)[AUTOMATION_MARK] || !isInlineProgram()) return;
  warned = true;
  void pulumi.log.warn(INLINE_WARNING);
}
