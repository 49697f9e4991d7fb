// The real IAM client (@aws-sdk/client-iam) against local HTTP servers: credentials from a profile (not the
// environment) never reach an error, whatever the server echoes; and every call is bounded in time.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { iamError } from '../../../provider/aws-role/errors';
import { sdkIam } from '../../../provider/aws-role/iam';

jest.setTimeout(60_000);

const KEY_ID = 'AKIAPROFILECANARY7QX';
const SECRET_KEY = 'profile-secret-access-key-canary-0123456789';
const TOKEN = 'profile-session-token-canary-ABCDEFGHIJKLMNOP';
let dir: string;
const saved = { ...process.env };

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmc-iam-'));
  fs.writeFileSync(
    path.join(dir, 'credentials'),
    `[canary]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET_KEY}\naws_session_token = ${TOKEN}\n`,
  );
  fs.writeFileSync(path.join(dir, 'config'), '[profile canary]\nregion = us-east-1\n');
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
  process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'credentials');
  process.env.AWS_CONFIG_FILE = path.join(dir, 'config');
});
afterAll(() => {
  process.env = saved;
  fs.rmSync(dir, { recursive: true, force: true });
});

async function listen(server: net.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

test('an IAM endpoint that echoes the request in its error: no credential of the profile in the message', async () => {
  const echo = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const said = `${req.headers.authorization} token=${req.headers['x-amz-security-token']} body=${body} ${SECRET_KEY}`;
      res.writeHead(403, { 'content-type': 'text/xml' });
      res.end(
        `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>${said.replace(/&/g, '&amp;')}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
      );
    });
  });
  const endpoint = await listen(echo);
  const iam = sdkIam({ endpoint, region: 'us-east-1', profile: 'canary' }, 10_000);
  try {
    const err = await iam.getRole('r').then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.name).toBe('AccessDenied');
    // The server did echo them: the test would see them if the scrub were gone.
    expect(err?.message).toContain('Credential=********/');
    const shown = iamError(err, 'reading role r', 'r').message;
    for (const value of [KEY_ID, SECRET_KEY, TOKEN]) {
      expect(shown).not.toContain(value);
      expect(shown).not.toContain(encodeURIComponent(value));
    }
  } finally {
    iam.close();
    echo.close();
  }
});

test('an IAM endpoint that never answers: the call fails within its bound, and says so', async () => {
  const held: net.Socket[] = [];
  const silent = net.createServer((s) => held.push(s));
  const endpoint = await listen(silent);
  const iam = sdkIam({ endpoint, region: 'us-east-1', profile: 'canary' }, 1500);
  try {
    const err = await iam.getRole('r').then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).toMatchObject({ name: 'TimeoutError', message: 'IAM did not answer within 1.5 s' });
  } finally {
    iam.close();
    held.forEach((s) => s.destroy());
    silent.close();
  }
});
