// A hostile pgwire server for the provider's security tests (not a Materialize test double: see
// test/standin for that). It can offer TLS with any certificate, asks for the password in cleartext and
// records it, can stop answering (before or after start-up), and answers catalog SELECTs with chosen rows.
import net from 'node:net';
import tls from 'node:tls';

export type Answer =
  | { rows: Record<string, string | null>[]; columns?: string[] }
  | { tag: string }
  | { error: { code: string; message: string } }
  | 'hang';

export interface HostileOptions {
  host?: string; // default 127.0.0.2: not a "local" host for the provider
  tls?: { key: string; cert: string };
  /** Ask for the password in cleartext (default) or let everyone in. */
  auth?: 'cleartext' | 'trust';
  /** Accept TCP and never send a byte. */
  silent?: boolean;
  /** How to answer each statement; default: DDL gets its command tag, SELECT gets no rows. */
  answer?: (sql: string) => Answer;
  /**
   * What `SELECT mz_environment_id()` answers, before `answer` is asked (default a well-formed id), so that
   * a test's answers are about the statements it is testing; `null` leaves that statement to `answer` too.
   */
  environmentId?: string | null;
}

export interface HostileServer {
  host: string;
  port: number;
  passwords: string[];
  statements: string[];
  startups: Record<string, string>[];
  tlsHandshakes: number;
  close(): Promise<void>;
}

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}
const cstr = (s: string) => Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const int16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const ready = () => message('Z', Buffer.from('I'));

function defaultAnswer(sql: string): Answer {
  if (/^SELECT/i.test(sql)) return { rows: [] };
  return { tag: sql.split(/\s+/).slice(0, 2).join(' ').toUpperCase() };
}

function rowMessages(
  answer: { rows: Record<string, string | null>[]; columns?: string[] },
  describe: boolean,
): Buffer[] {
  const columns = answer.columns ?? Object.keys(answer.rows[0] ?? {});
  const out: Buffer[] = [];
  if (describe)
    out.push(
      message(
        'T',
        Buffer.concat([
          int16(columns.length),
          ...columns.map((c) =>
            Buffer.concat([cstr(c), int32(0), int16(0), int32(25), int16(-1), int32(-1), int16(0)]),
          ),
        ]),
      ),
    );
  for (const row of answer.rows)
    out.push(
      message(
        'D',
        Buffer.concat([
          int16(columns.length),
          ...columns.map((c) => {
            const v = row[c];
            if (v === null || v === undefined) return int32(-1);
            const b = Buffer.from(v, 'utf8');
            return Buffer.concat([int32(b.length), b]);
          }),
        ]),
      ),
    );
  out.push(message('C', cstr(`SELECT ${answer.rows.length}`)));
  return out;
}

export async function startHostile(opts: HostileOptions = {}): Promise<HostileServer> {
  const host = opts.host ?? '127.0.0.2';
  const own = opts.answer ?? defaultAnswer;
  const environmentId =
    opts.environmentId === undefined ? 'local-az1-00000000-0000-4000-8000-000000000001-0' : opts.environmentId;
  const answer = (sql: string): Answer =>
    environmentId !== null && /^SELECT mz_environment_id\(\)/.test(sql)
      ? { rows: [{ environment_id: environmentId }] }
      : own(sql);
  const sockets = new Set<net.Socket>();
  const state = {
    passwords: [] as string[],
    statements: [] as string[],
    startups: [] as Record<string, string>[],
    tlsHandshakes: 0,
  };

  function serve(socket: net.Socket | tls.TLSSocket, buffered: Buffer): void {
    let buf = buffered;
    let started = false;
    let hung = false;
    let pendingSql = '';
    const send = (...parts: Buffer[]) => {
      if (!hung && !socket.destroyed) socket.write(Buffer.concat(parts));
    };
    const reply = (sql: string, extended: boolean): Buffer[] | 'hang' => {
      state.statements.push(sql);
      const a = answer(sql);
      if (a === 'hang') return 'hang';
      if ('error' in a)
        return [
          message(
            'E',
            Buffer.concat([cstr('SERROR'), cstr(`C${a.error.code}`), cstr(`M${a.error.message}`), Buffer.from([0])]),
          ),
        ];
      if ('tag' in a) return [...(extended ? [message('n', Buffer.alloc(0))] : []), message('C', cstr(a.tag))];
      return rowMessages(a, true);
    };
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        if (!started) {
          if (buf.length < 8) return;
          const len = buf.readInt32BE(0);
          if (buf.length < len) return;
          const code = buf.readInt32BE(4);
          const body = buf.subarray(8, len);
          buf = buf.subarray(len);
          if (code === 80877103) {
            // SSLRequest
            if (!opts.tls) {
              socket.write('N');
              continue;
            }
            socket.write('S');
            socket.removeListener('data', onData);
            const secure = new tls.TLSSocket(socket, { isServer: true, key: opts.tls.key, cert: opts.tls.cert });
            secure.on('secure', () => state.tlsHandshakes++);
            secure.on('error', () => undefined);
            sockets.add(secure as unknown as net.Socket);
            serve(secure, buf);
            return;
          }
          const parts = body.toString('utf8').split('\0');
          const params: Record<string, string> = {};
          for (let i = 0; i + 1 < parts.length && parts[i] !== ''; i += 2) params[parts[i]] = parts[i + 1];
          state.startups.push(params);
          started = true;
          if (opts.auth === 'trust') send(message('R', int32(0)), ready());
          else send(message('R', int32(3)));
          continue;
        }
        if (buf.length < 5) return;
        const type = String.fromCharCode(buf[0]);
        const len = buf.readInt32BE(1);
        if (buf.length < len + 1) return;
        const body = buf.subarray(5, len + 1);
        buf = buf.subarray(len + 1);
        if (hung) continue;
        switch (type) {
          case 'p':
            state.passwords.push(body.subarray(0, body.length - 1).toString('utf8'));
            send(message('R', int32(0)), ready());
            break;
          case 'Q': {
            const r = reply(body.subarray(0, body.length - 1).toString('utf8'), false);
            if (r === 'hang') hung = true;
            else send(...r, ready());
            break;
          }
          case 'P': {
            const name = body.indexOf(0);
            pendingSql = body.subarray(name + 1, body.indexOf(0, name + 1)).toString('utf8');
            send(message('1', Buffer.alloc(0)));
            break;
          }
          case 'B':
            send(message('2', Buffer.alloc(0)));
            break;
          case 'D':
            break; // answered together with Execute
          case 'E': {
            const r = reply(pendingSql, true);
            if (r === 'hang') hung = true;
            else send(...r);
            break;
          }
          case 'S':
            send(ready());
            break;
          case 'X':
            socket.end();
            return;
          default:
            break;
        }
      }
    };
    socket.on('data', onData);
    if (buf.length) onData(Buffer.alloc(0));
  }

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    if (!opts.silent) serve(socket, Buffer.alloc(0));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  return {
    host,
    port: (server.address() as net.AddressInfo).port,
    get passwords() {
      return state.passwords;
    },
    get statements() {
      return state.statements;
    },
    get startups() {
      return state.startups;
    },
    get tlsHandshakes() {
      return state.tlsHandshakes;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
