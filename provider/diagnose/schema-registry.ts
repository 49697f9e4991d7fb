// The Confluent Schema Registry probe: HTTP(S) with basic auth or a TLS client certificate, GET /subjects.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { checkTls, missingSecret, tlsFiles, TLS_NAMES, type ProbeContext } from './context';
import { isTlsError, messageOf, networkFailure, reach, tlsFailure } from './net';
import { ProbeFailure } from './verdict';

interface Answer {
  status: number;
  body: string;
}

export async function probeSchemaRegistry(ctx: ProbeContext): Promise<void> {
  const { rec } = ctx;
  let url: URL;
  try {
    url = new URL(String(ctx.args.url));
  } catch {
    throw new ProbeFailure(
      'configuration',
      `URL ${String(ctx.args.url)} is not a URL`,
      'set URL to http(s)://host[:port]',
    );
  }
  const secure = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (secure ? 443 : 80));
  await reach(rec, host, port, ctx.tunnel);

  const tlsOpts = tlsFiles(ctx);
  if (secure) await checkTls(ctx, host, port);
  const headers: Record<string, string> = { Accept: 'application/vnd.schemaregistry.v1+json, application/json' };
  if (ctx.has('username')) {
    if (missingSecret(ctx, 'username', 'USERNAME') || missingSecret(ctx, 'password', 'PASSWORD')) return;
    const basic = Buffer.from(`${ctx.text('username')}:${ctx.text('password') ?? ''}`).toString('base64');
    headers.Authorization = `Basic ${basic}`;
  }

  const subjects = new URL('subjects', url.href.endsWith('/') ? url.href : `${url.href}/`);
  const check = `GET ${subjects.pathname}`;
  rec.attempt('auth', check);
  const answer = await get(ctx, subjects, host, port, headers, tlsOpts);
  if (answer.status === 401 || answer.status === 403)
    throw new ProbeFailure(
      'auth',
      `${check} answered HTTP ${answer.status}${answer.body ? `: ${answer.body.slice(0, 200)}` : ''}`,
      ctx.has('username')
        ? `check ${ctx.describe('username', 'USERNAME')} and ${ctx.describe('password', 'PASSWORD')}`
        : 'the registry wants credentials: set USERNAME and PASSWORD (or a client certificate)',
    );
  if (answer.status < 200 || answer.status >= 300)
    throw new ProbeFailure(
      'configuration',
      `${check} answered HTTP ${answer.status}`,
      'check that URL is the schema registry itself (its base path), not a proxy or another service',
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed))
    throw new ProbeFailure(
      'configuration',
      `${check} answered HTTP ${answer.status} but not a JSON list of subjects`,
      'check that URL is a Confluent-compatible schema registry',
    );
  rec.ok(check, `${parsed.length} subject(s)`);
}

function get(
  ctx: ProbeContext,
  url: URL,
  host: string,
  port: number,
  headers: Record<string, string>,
  tlsOpts: { ca?: string; cert?: string; key?: string },
): Promise<Answer> {
  return (ctx.tunnel ? ctx.tunnel.localPort(host, port) : Promise.resolve(port)).then((localOrPort) =>
    request(
      ctx,
      url,
      host,
      port,
      ctx.tunnel ? { hostname: '127.0.0.1', port: localOrPort } : { hostname: host, port },
      headers,
      tlsOpts,
    ),
  );
}

function request(
  ctx: ProbeContext,
  url: URL,
  host: string,
  port: number,
  target: { hostname: string; port: number },
  headers: Record<string, string>,
  tlsOpts: { ca?: string; cert?: string; key?: string },
): Promise<Answer> {
  const secure = url.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const options: https.RequestOptions = {
      ...target,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: { ...headers, Host: url.host },
      timeout: ctx.budgetMs,
      ...(secure
        ? {
            ...tlsOpts,
            ...(net.isIP(host) ? {} : { servername: host }),
            rejectUnauthorized: true,
            checkServerIdentity: (_h: string, cert: tls.PeerCertificate) => tls.checkServerIdentity(host, cert),
          }
        : {}),
    };
    const req = (secure ? https : http).request(options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk.length + body.length > 65536 ? '' : chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ctx.onCleanup(() => req.destroy());
    req.on('timeout', () => req.destroy(new Error(`no answer within ${ctx.budgetMs} ms`)));
    req.on('error', (err) =>
      reject(isTlsError(err) ? tlsFailure(err, TLS_NAMES.ca, TLS_NAMES.cert) : networkFailure(err, host, port)),
    );
    req.end();
  }).catch((err) => {
    throw err instanceof ProbeFailure ? err : new ProbeFailure('TCP', messageOf(err), `check ${host}:${port}`);
  }) as Promise<Answer>;
}
