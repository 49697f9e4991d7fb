// SshBastionAuthorizedKeys: keeps exactly the given public keys (an SSH tunnel connection's) in a managed
// block of the tunnel user's authorized_keys on the bastion. Named steps: log in, read, plan, write
// (new keys in before old ones go), validate. Round trips: create and update 1 login + 2-3 execs
// (+1 VALIDATE CONNECTION), read 1 login + 1 exec, delete 1 login + 1-2 execs.
import { randomBytes } from 'crypto';
import type { DynamicImpl } from '../lifecycle/resource';
import { canonicalJson, sanitize } from '../lifecycle/resource';
import { configureFromStack, resolveEndpoint, type MaterializeEndpoint } from '../lifecycle/endpoint';
import { withSession } from '../lifecycle/pool';
import { scrub } from '../scrub';
import { qualifiedName, type ObjectLocation } from '../sql/quote';
import { containsUnknown } from '../unknown';
import { findBlock, keyLines, keyOf, withBlock, withoutBlock, type KeyRestrictions } from './authorized-keys';
import { bastionFailures, canonicalBastion } from './check';
import { ConcurrentChangeError, readRemote, writeRemote } from './remote';
import { BastionError, openSsh, publicKeyFingerprint, type SshLogin, type SshSession, type SshTarget } from './ssh';

type Props = Record<string, unknown>;

/** Inputs whose change moves the block elsewhere: a replacement (the new block is written before the old goes). */
const LOCATION_KEYS = ['host', 'port', 'user', 'loginUser', 'path', 'blockName'];
const INPUT_KEYS = [
  ...LOCATION_KEYS,
  'publicKeys',
  'restrictions',
  'hostKeySha256',
  'privateKey',
  'privateKeyPassphrase',
  'agent',
  'jumpHost',
  'bootTimeoutSeconds',
  'validateConnection',
  'connection',
  'materialize',
];
const ATTEMPTS = 3;

const target = (p: Props): SshTarget => ({
  host: p.host as string,
  port: p.port as number,
  user: p.loginUser as string,
  hostKeySha256: p.hostKeySha256 as string,
  privateKey: p.privateKey as string | undefined,
  privateKeyPassphrase: p.privateKeyPassphrase as string | undefined,
  agent: p.agent as boolean | string | undefined,
  jumpHost: p.jumpHost as SshLogin | undefined,
  bootTimeoutSeconds: p.bootTimeoutSeconds as number | undefined,
});
const where = (p: Props) => `${p.loginUser}@${p.host}:${p.port} (${p.path}, block ${p.blockName})`;
const wantedLines = (p: Props) => keyLines(p.publicKeys as string[], p.restrictions as KeyRestrictions | undefined);

/** Credentials and passwords that must never appear in a message. */
function secretsOf(p: Props): string[] {
  const jump = (p.jumpHost ?? {}) as Props;
  return [p.privateKey, p.privateKeyPassphrase, jump.privateKey, jump.privateKeyPassphrase]
    .concat((p.materialize as MaterializeEndpoint | undefined)?.password)
    .filter((s): s is string => typeof s === 'string' && s.length > 0);
}

function failure(err: unknown, p: Props, doing: string): Error {
  const reason = err instanceof BastionError ? err.message : `bastion ${where(p)}: ${(err as Error)?.message ?? err}`;
  return new Error(scrub(`${doing}: ${reason}`, secretsOf(p)));
}

async function withBastion<T>(p: Props, doing: string, fn: (ssh: SshSession) => Promise<T>): Promise<T> {
  let ssh: SshSession | undefined;
  try {
    ssh = await openSsh(target(p));
    return await fn(ssh);
  } catch (err) {
    throw failure(err, p, doing);
  } finally {
    ssh?.close();
  }
}

/** Read, change, write; again from a fresh read when someone else changed the file in between. */
async function modify(ssh: SshSession, path: string, change: (content: string) => string[]): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const before = await readRemote(ssh, path);
    const steps = change(before?.toString('latin1') ?? '');
    try {
      let current = before;
      for (const next of steps) {
        const bytes = Buffer.from(next, 'latin1');
        if (current !== undefined && bytes.equals(current)) continue;
        await writeRemote(ssh, path, current, bytes);
        current = bytes;
      }
      return steps.at(-1) ?? before?.toString('latin1') ?? '';
    } catch (err) {
      if (!(err instanceof ConcurrentChangeError) || attempt >= ATTEMPTS) throw err;
    }
  }
}

/**
 * The file contents to write in order: when keys are both added and removed, first the block with the old
 * and the new keys, then the block with only the new ones, so a key in use is never missing.
 */
export function rotationSteps(content: string, name: string, token: string, wanted: readonly string[]): string[] {
  const current = findBlock(content, name)?.lines ?? [];
  const added = wanted.filter((l) => !current.includes(l));
  const removed = current.filter((l) => !wanted.includes(l));
  const final = withBlock(content, name, token, wanted);
  if (added.length === 0 || removed.length === 0) return [final];
  return [withBlock(content, name, token, [...current, ...added]), final];
}

async function validateAfterInstall(p: Props): Promise<void> {
  if (p.validateConnection !== true) return;
  const conn = p.connection as ObjectLocation;
  const statement = `VALIDATE CONNECTION ${qualifiedName(conn)}`;
  try {
    await withSession(resolveEndpoint(p.materialize as MaterializeEndpoint | undefined), (s) => s.query(statement));
  } catch (err) {
    throw new Error(
      scrub(
        `keys installed on bastion ${where(p)} for user ${p.user}, but ${statement} failed: ${(err as Error).message}`,
        secretsOf(p),
      ),
    );
  }
}

function outputs(p: Props, token: string, installed: string[]): Props {
  return sanitize({
    ...p,
    blockToken: token,
    installedKeys: installed,
    fingerprints: installed.map((l) => publicKeyFingerprint(keyOf(l) ?? '') ?? ''),
  });
}

/** Install (or keep) the block, then validate; a failed validation still reports what is installed. */
async function install(id: string, p: Props, token: string, doing: string): Promise<Props> {
  const wanted = wantedLines(p);
  await withBastion(p, doing, (ssh) =>
    modify(ssh, p.path as string, (content) => rotationSteps(content, p.blockName as string, token, wanted)),
  );
  const outs = outputs(p, token, wanted);
  try {
    await validateAfterInstall(p);
  } catch (err) {
    throw Object.assign(err as Error, { id, properties: outs, reasons: [(err as Error).message] });
  }
  return outs;
}

export const bastionKeysProvider: DynamicImpl = {
  async configure(req) {
    configureFromStack(req);
  },

  async check(_olds, news) {
    const failures = bastionFailures(news);
    if (failures.length) return { inputs: news, failures };
    return { inputs: sanitize(canonicalBastion(news)) };
  },

  async diff(_id, olds, news) {
    const replaces = LOCATION_KEYS.filter(
      (k) => containsUnknown(news[k]) || canonicalJson(olds[k] ?? null) !== canonicalJson(news[k] ?? null),
    );
    // Drift: refresh reads the block into installedKeys; what is there now is compared with what is wanted.
    const drifted =
      containsUnknown([news.publicKeys, news.restrictions]) ||
      canonicalJson(olds.installedKeys ?? null) !== canonicalJson(wantedLines(news));
    const changed = INPUT_KEYS.some((k) => canonicalJson(olds[k] ?? null) !== canonicalJson(news[k] ?? null));
    return { changes: replaces.length > 0 || drifted || changed, replaces, deleteBeforeReplace: false };
  },

  async create(inputs) {
    // A block of that name left by an earlier, lost run is taken over (written with the new token).
    const token = randomBytes(8).toString('hex');
    const id = `${inputs.loginUser}@${inputs.host}:${inputs.port}:${inputs.path}#${inputs.blockName}`;
    return { id, outs: await install(id, inputs, token, 'installing keys') };
  },

  async read(id, props) {
    const installed = await withBastion(props, 'reading keys', async (ssh) => {
      const content = (await readRemote(ssh, props.path as string))?.toString('latin1') ?? '';
      return findBlock(content, props.blockName as string)?.lines ?? [];
    });
    const inputs = Object.fromEntries(Object.entries(props).filter(([k]) => INPUT_KEYS.includes(k)));
    return { id, props: outputs(props, props.blockToken as string, installed), inputs };
  },

  async update(id, olds, news) {
    return {
      outs: await install(id, news, (olds.blockToken as string) ?? randomBytes(8).toString('hex'), 'updating keys'),
    };
  },

  async delete(_id, props) {
    await withBastion(props, 'removing keys', (ssh) =>
      modify(ssh, props.path as string, (content) => [
        withoutBlock(content, props.blockName as string, props.blockToken as string | undefined),
      ]),
    );
  },
};
