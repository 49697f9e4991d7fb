// Only @pulumi/pulumi's RPC response lines are set apart from the searched log; any other line stays searched.
import { splitLog } from './logs';

const line = (msg: string) => JSON.stringify({ time: 't', level: 'INFO', msg, v: 3 });

test('the SDK RPC response lines, as the program logs them and as the engine echoes them, are set apart', () => {
  const sdk = [
    line('RegisterResource RPC finished: resource:k[x]; err: null, resp: urn,u1,value,,,SEKRET'),
    line('eventSink::Debug(<{%reset%}>RegisterResource RPC finished: resource:k[x]; err: null, resp: SEKRET'),
    line('ReadResource RPC finished: resource:k[x]; err: null, resp: SEKRET'),
  ];
  const own = [
    line('Provider[x].Create(urn) failed: ALTER CONNECTION k SET (USER = SEKRET)'),
    'error: ALTER CONNECTION "k" SET (USER = \'SEKRET\'): refused',
    line('RegisterResource resource:k[x] RPC finished soon: SEKRET'),
    'RegisterResource RPC finished: SEKRET (not a log line of the SDK)',
  ];
  const { searched, sdkRpcResponses } = splitLog([...sdk, ...own].join('\n'));
  expect(sdkRpcResponses.split('\n')).toEqual(sdk);
  expect(searched.split('\n')).toEqual(own);
});
