// The CLI's stderr under `-v=9 --logtostderr --logflow`: the CLI's own messages, the engine's log, the provider's
// log, and the debug log of @pulumi/pulumi in the program process. That last one prints every RPC response
// ("RegisterResource RPC finished: ... resp: ...") with the engine's outputs, secrets decrypted: Pulumi's own
// behaviour for every provider, which no provider can change. Those lines, and only those, are set apart.

/** A debug line of @pulumi/pulumi quoting an RPC response (also as the engine echoes it: eventSink::Debug). */
const SDK_RPC_RESPONSE =
  /"msg":"(?:eventSink::Debug\(<\{%reset%\}>)?(?:RegisterResource|ReadResource|Invoke|Call|getResource Invoke) RPC finished: /;

export interface SplitLog {
  /** Everything but the SDK's RPC response lines: searched, every finding fails the harness. */
  readonly searched: string;
  /** The SDK's RPC response lines: searched and reported apart (Pulumi's, not this package's). */
  readonly sdkRpcResponses: string;
}

export function splitLog(stderr: string): SplitLog {
  const searched: string[] = [];
  const sdk: string[] = [];
  for (const line of stderr.split('\n')) (SDK_RPC_RESPONSE.test(line) ? sdk : searched).push(line);
  return { searched: searched.join('\n'), sdkRpcResponses: sdk.join('\n') };
}
