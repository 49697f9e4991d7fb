// SshBastionAuthorizedKeys: keeps exactly the given public keys (an SSH tunnel connection's) in a managed
// block of the tunnel user's authorized_keys on the bastion. Named steps: log in, read, plan, write
// (new keys in before old ones go), validate. Round trips: create and update 1 login + 2-3 execs
// (+1 VALIDATE CONNECTION), read 1 login + 1 exec, delete 1 login + 1-2 execs; one read and write more per
// writer of the same file that got there first.
//
// Blocks belong to one resource of one stack: the token in the BEGIN line starts with a tag of blockOwner
// (project/stack/name, set by the SDK), and a block whose token is neither this instance's nor tagged with
// this owner is never written over or removed.
import { createHash, randomBytes } from 'crypto';
import type { DynamicImpl } from '../lifecycle/resource';
import { canonicalJson, sanitize } from '../lifecycle/resource';
import { configureFromStack, resolveEndpoint, type MaterializeEndpoint } from '../lifecycle/endpoint';
import { withSession } from '../lifecycle/pool';
import { scrub } from '../lifecycle/errors';
import { qualifiedName, type ObjectLocation } from '../sql/quote';
import { containsUnknown } from '../unknown';
import {
  findBlock,
  fromFileText,
  keyLines,
  keyOf,
  toFileText,
  withBlock,
  withoutBlock,
  type KeyRestrictions,
} from './authorized-keys';
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
  'commandTimeoutSeconds',
  'blockOwner',
  'validateConnection',
  'connection',
  'materialize',
];
/** Each failed attempt means another writer of the file succeeded: enough for that many writers in one `up`. */
const ATTEMPTS = 12;

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
  commandTimeoutSeconds: p.commandTimeoutSeconds as number | undefined,
});
const where = (p: Props) => `${p.loginUser}@${p.host}:${p.port} (${p.path}, block ${p.blockName})`;
const wantedLines = (p: Props) => keyLines(p.publicKeys as string[], p.restrictions as KeyRestrictions | undefined);
/** A new file created by a login user other than the tunnel user goes to the tunnel user (sshd reads it as them). */
const ownerOfNewFile = (p: Props) => (p.loginUser !== p.user ? (p.user as string) : undefined);

/** The owner part of a block token: the same for every instance of one resource of one stack. */
export const ownerTag = (owner: unknown): string =>
  createHash('sha256')
    .update(String(owner ?? ''))
    .digest('hex')
    .slice(0, 12);
const newToken = (p: Props) => `${ownerTag(p.blockOwner)}-${randomBytes(8).toString('hex')}`;

/** A block with `found` as its token may be written by the holder of `ours`: it is ours, or our owner's. */
export function mayWrite(found: string, ours: string): boolean {
  return found === ours || (ours.includes('-') && found.split('-')[0] === ours.split('-')[0]);
}

function refuseForeignBlock(content: string, p: Props, token: string): void {
  const found = findBlock(content, p.blockName as string);
  if (found && !mayWrite(found.token, token))
    throw new Error(
      `block ${p.blockName} in ${p.path} belongs to another owner (id ${found.token}), e.g. the same program's ` +
        'other stack: it is never taken over. Give this resource another blockName, or remove that block by hand ' +
        'if nothing owns it any more (README: Block ownership)',
    );
}

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Read, change, write; again from a fresh read when another writer changed the file in between (the write
 * compares under the bastion's lock). Contents are latin1 text: one character per byte of the file.
 */
async function modify(ssh: SshSession, p: Props, change: (content: string) => string[]): Promise<void> {
  const path = p.path as string;
  for (let attempt = 1; ; attempt++) {
    const before = await readRemote(ssh, path);
    const steps = change(before?.toString('latin1') ?? '');
    try {
      let current = before;
      for (const next of steps) {
        const bytes = Buffer.from(next, 'latin1');
        if (current !== undefined && bytes.equals(current)) continue;
        await writeRemote(ssh, path, current, bytes, ownerOfNewFile(p));
        current = bytes;
      }
      return;
    } catch (err) {
      if (!(err instanceof ConcurrentChangeError)) throw err;
      if (attempt >= ATTEMPTS)
        throw new Error(`${path} kept changing while being updated (${ATTEMPTS} attempts); nothing was lost, retry`);
      await sleep(50 + Math.random() * 200 * attempt);
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
  const inFile = wanted.map(toFileText);
  await withBastion(p, doing, (ssh) =>
    modify(ssh, p, (content) => {
      refuseForeignBlock(content, p, token);
      return rotationSteps(content, p.blockName as string, token, inFile);
    }),
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
    // A block of that name left by an earlier, lost run of this resource (same owner tag) is taken over;
    // another owner's never is.
    const token = newToken(inputs);
    const id = `${inputs.loginUser}@${inputs.host}:${inputs.port}:${inputs.path}#${inputs.blockName}`;
    return { id, outs: await install(id, inputs, token, 'installing keys') };
  },

  async read(id, props) {
    // A block that another owner took over is not this resource's: nothing of it is installed.
    const installed = await withBastion(props, 'reading keys', async (ssh) => {
      const content = (await readRemote(ssh, props.path as string))?.toString('latin1') ?? '';
      const found = findBlock(content, props.blockName as string);
      return found && mayWrite(found.token, String(props.blockToken)) ? found.lines.map(fromFileText) : [];
    });
    const inputs = Object.fromEntries(Object.entries(props).filter(([k]) => INPUT_KEYS.includes(k)));
    return { id, props: outputs(props, props.blockToken as string, installed), inputs };
  },

  async update(id, olds, news) {
    return { outs: await install(id, news, (olds.blockToken as string) ?? newToken(news), 'updating keys') };
  },

  async delete(_id, props) {
    await withBastion(props, 'removing keys', (ssh) =>
      modify(ssh, props, (content) => [
        withoutBlock(content, props.blockName as string, props.blockToken as string | undefined),
      ]),
    );
  },
};
