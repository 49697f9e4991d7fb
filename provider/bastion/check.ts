// Validation and canonical form of SshBastionAuthorizedKeys inputs, before any SSH or SQL.
import type { Failure } from '../specs';
import { containsUnknown } from '../unknown';
import { endpointProblems } from '../lifecycle/endpoint';
import { identifierProblem } from '../validate';
import { publicKeyProblem } from './public-key';

type Props = Record<string, unknown>;

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;
const USER = /^[a-z_][a-z0-9._-]*\$?$/i;
const BLOCK_NAME = /^[A-Za-z0-9._:@/-]{1,200}$/;
const PERMIT_OPEN = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.*_-]+):(\d{1,5}|\*)$/;
const FROM_PATTERN = /^!?[A-Za-z0-9.*?:_/-]+$/;
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
const RESTRICTIONS = ['restrict', 'permitOpen', 'noPty', 'from'];

const known = (v: unknown) => v !== undefined && v !== null && !containsUnknown(v);
const describe = (v: unknown) => (Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v);

function loginFailures(prefix: string, l: Props): Failure[] {
  const f: Failure[] = [];
  const p = (k: string) => `${prefix}${k}`;
  if (!l.host) f.push({ property: p('host'), reason: `${p('host')} is required: the bastion's address` });
  else if (known(l.host) && (typeof l.host !== 'string' || /[\s\0]/.test(l.host)))
    f.push({ property: p('host'), reason: `${p('host')} must be a hostname or IP address` });
  if (known(l.port) && !(Number.isInteger(l.port) && (l.port as number) >= 1 && (l.port as number) <= 65535))
    f.push({ property: p('port'), reason: `${p('port')} must be an integer from 1 to 65535` });
  if (!l.hostKeySha256)
    f.push({
      property: p('hostKeySha256'),
      reason:
        `${p('hostKeySha256')} is required: host keys are never trusted on first use. Get it out of band, e.g. on ` +
        'the bastion `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`, and give it as SHA256:...',
    });
  else if (known(l.hostKeySha256) && !FINGERPRINT.test(String(l.hostKeySha256)))
    f.push({
      property: p('hostKeySha256'),
      reason: `${p('hostKeySha256')} must be a SHA256 fingerprint as ssh-keygen -lf prints it (SHA256: and 43 base64 characters)`,
    });
  const hasKey = l.privateKey !== undefined && l.privateKey !== null && l.privateKey !== '';
  const hasAgent = l.agent !== undefined && l.agent !== null && l.agent !== false;
  if (hasKey === hasAgent)
    f.push({
      property: p('privateKey'),
      reason: `exactly one of ${p('privateKey')} (a secret) and ${p('agent')} is required to log in to the bastion`,
    });
  if (hasKey && known(l.privateKey) && typeof l.privateKey !== 'string')
    f.push({ property: p('privateKey'), reason: `${p('privateKey')} must be a string (the PEM or OpenSSH text)` });
  if (hasAgent && known(l.agent) && typeof l.agent !== 'boolean' && typeof l.agent !== 'string')
    f.push({ property: p('agent'), reason: `${p('agent')} must be true (SSH_AUTH_SOCK) or an agent socket path` });
  return f;
}

export function bastionFailures(news: Props): Failure[] {
  const f = loginFailures('', news);
  for (const key of ['user', 'loginUser'] as const) {
    if (key === 'user' && !news.user)
      f.push({ property: 'user', reason: "user is required: the tunnel's USER (the connection's by default)" });
    else if (known(news[key]) && !USER.test(String(news[key])))
      f.push({ property: key, reason: `${key} must be a Unix user name (letters, digits, ., _, -)` });
  }
  if (!news.blockName) f.push({ property: 'blockName', reason: 'blockName is required' });
  else if (known(news.blockName) && !BLOCK_NAME.test(String(news.blockName)))
    f.push({
      property: 'blockName',
      reason: 'blockName must be 1 to 200 letters, digits or . _ : @ / - (it marks the managed block)',
    });
  if (known(news.path) && (typeof news.path !== 'string' || news.path === '' || CONTROL.test(news.path)))
    f.push({ property: 'path', reason: 'path must be a non-empty file path without control characters' });
  else if (typeof news.path === 'string' && /^~[^/]*$/.test(news.path))
    f.push({ property: 'path', reason: 'path must name a file: ~user/.ssh/authorized_keys, not ~user' });
  const keys = news.publicKeys;
  if (!containsUnknown(keys)) {
    if (!Array.isArray(keys) || keys.length === 0)
      f.push({ property: 'publicKeys', reason: `publicKeys must be a non-empty list of keys, got ${describe(keys)}` });
    else
      keys.forEach((k, i) => {
        const problem = containsUnknown(k) ? undefined : publicKeyProblem(k);
        if (problem) f.push({ property: `publicKeys[${i}]`, reason: `publicKeys[${i}] ${problem}` });
      });
  }
  const r = news.restrictions as Props | undefined;
  if (known(r)) {
    if (typeof r !== 'object' || Array.isArray(r))
      f.push({ property: 'restrictions', reason: 'restrictions must be { restrict?, permitOpen?, noPty?, from? }' });
    else {
      for (const k of Object.keys(r))
        if (!RESTRICTIONS.includes(k))
          f.push({
            property: `restrictions.${k}`,
            reason: `unknown restriction (known: ${RESTRICTIONS.join(', ')})`,
          });
      const list = (k: string, re: RegExp, what: string) => {
        const v = r[k];
        if (!known(v)) return;
        if (!Array.isArray(v) || v.some((x) => !containsUnknown(x) && (typeof x !== 'string' || !re.test(x))))
          f.push({ property: `restrictions.${k}`, reason: `restrictions.${k} must be a list of ${what}` });
      };
      list('permitOpen', PERMIT_OPEN, '"host:port" (port may be *)');
      list('from', FROM_PATTERN, 'address patterns (e.g. 10.0.0.0/8, *.example.com, !1.2.3.4)');
      for (const k of ['noPty', 'restrict'])
        if (known(r[k]) && typeof r[k] !== 'boolean')
          f.push({ property: `restrictions.${k}`, reason: `restrictions.${k} must be true or false` });
      const destinations = r.permitOpen;
      if (
        r.restrict === true &&
        !containsUnknown(destinations) &&
        !(Array.isArray(destinations) && destinations.length)
      )
        f.push({
          property: 'restrictions.permitOpen',
          reason:
            'restrictions.restrict needs permitOpen: the destinations the tunnel forwards to (restrict adds ' +
            'port forwarding back, and permitOpen is what limits it)',
        });
    }
  }
  const j = news.jumpHost;
  if (known(j)) {
    if (typeof j !== 'object' || Array.isArray(j))
      f.push({
        property: 'jumpHost',
        reason: 'jumpHost must be { host, port?, user, hostKeySha256, privateKey | agent }',
      });
    else {
      f.push(...loginFailures('jumpHost.', j as Props));
      if (!(j as Props).user) f.push({ property: 'jumpHost.user', reason: 'jumpHost.user is required' });
    }
  }
  const t = news.bootTimeoutSeconds;
  if (known(t) && !(typeof t === 'number' && t >= 0 && t <= 3600))
    f.push({ property: 'bootTimeoutSeconds', reason: 'bootTimeoutSeconds must be a number from 0 to 3600' });
  const c = news.commandTimeoutSeconds;
  if (known(c) && !(typeof c === 'number' && c >= 5 && c <= 3600))
    f.push({ property: 'commandTimeoutSeconds', reason: 'commandTimeoutSeconds must be a number from 5 to 3600' });
  if (known(news.blockOwner) && (typeof news.blockOwner !== 'string' || CONTROL.test(news.blockOwner)))
    f.push({ property: 'blockOwner', reason: 'blockOwner must be text without control characters' });
  if (known(news.validateConnection) && typeof news.validateConnection !== 'boolean')
    f.push({ property: 'validateConnection', reason: 'validateConnection must be true or false' });
  if (news.validateConnection === true) {
    const c = news.connection as Props | undefined;
    if (!c) f.push({ property: 'connection', reason: 'validateConnection needs the SshTunnelConnection (connection)' });
    else if (known(c))
      for (const k of ['name', 'schemaName', 'databaseName']) {
        const problem = c[k] === undefined && k !== 'name' ? undefined : identifierProblem(c[k]);
        if (problem) f.push({ property: `connection.${k}`, reason: `connection.${k} ${problem}` });
      }
  }
  f.push(
    ...endpointProblems(containsUnknown(news.materialize) ? undefined : news.materialize).map((reason) => ({
      property: 'materialize',
      reason,
    })),
  );
  return f;
}

/** Defaults made explicit, so state shows what is managed: the login user and the file. */
export function canonicalBastion(news: Props): Props {
  const out: Props = Object.fromEntries(Object.entries(news).filter(([, v]) => v !== undefined && v !== null));
  out.port ??= 22;
  out.loginUser ??= out.user;
  if (out.path === undefined && !containsUnknown([out.user, out.loginUser]))
    out.path = out.loginUser === out.user ? '~/.ssh/authorized_keys' : `~${out.user}/.ssh/authorized_keys`;
  if (Array.isArray(out.publicKeys)) out.publicKeys = out.publicKeys.map((k) => (typeof k === 'string' ? k.trim() : k));
  return out;
}
