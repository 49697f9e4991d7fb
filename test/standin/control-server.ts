// The HTTP control endpoint (JSON) for tests in other processes: GET /log, POST /log/clear, POST /faults,
// GET /secret?database=&schema=&name=, GET /stats. Control traffic never appears in the statement log.
import http from 'node:http';
import type { Standin } from './index';

function body(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let s = '';
    req.on('data', (d) => (s += d));
    req.on('end', () => {
      try {
        resolve(s ? JSON.parse(s) : {});
      } catch (e) {
        reject(e);
      }
    });
  });
}

export function startControlServer(standin: Omit<Standin, 'controlUrl' | 'close'>): Promise<http.Server> {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, v: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(v));
    };
    try {
      if (req.method === 'GET' && url.pathname === '/log') return send(200, standin.log());
      if (req.method === 'POST' && url.pathname === '/log/clear') {
        standin.clearLog();
        return send(200, { ok: true });
      }
      if (req.method === 'GET' && url.pathname === '/stats')
        return send(200, { connectionsOpened: standin.connectionsOpened(), port: standin.port });
      if (req.method === 'GET' && url.pathname === '/secret') {
        const q = (k: string) => url.searchParams.get(k) ?? '';
        const v = standin.secretValue(q('database') || 'materialize', q('schema') || 'public', q('name'));
        return send(v === undefined ? 404 : 200, { value: v ?? null });
      }
      if (req.method === 'POST' && url.pathname === '/faults') {
        const b = (await body(req)) as {
          failNext?: number | { n: number; code?: string; message?: string; match?: string };
          delayNext?: { n: number; ms: number };
          latencyMs?: number;
          dropConnections?: boolean;
          reset?: boolean;
        };
        const f = standin.faults;
        if (b.reset) f.reset();
        if (typeof b.failNext === 'number') f.failNext(b.failNext);
        else if (b.failNext)
          f.failNext(
            b.failNext.n,
            b.failNext.code
              ? { code: b.failNext.code, message: b.failNext.message ?? 'stand-in: injected failure' }
              : undefined,
            b.failNext.match,
          );
        if (b.delayNext) f.delayNext(b.delayNext.n, b.delayNext.ms);
        if (typeof b.latencyMs === 'number') f.setLatency(b.latencyMs);
        if (b.dropConnections) f.dropConnections();
        return send(200, { ok: true });
      }
      send(404, { error: 'not found' });
    } catch (e) {
      send(500, { error: (e as Error).message });
    }
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}
