// A TCP proxy in front of a real server (sshd, moto, the stand-in) that tests break or slow down on purpose: at a given byte of
// one direction (the first connection that reaches it, once: both sockets reset, or everything stalled with both
// left open), used by the bastion's fault tests; and on demand (every open connection destroyed, and while cut,
// new connections accepted and closed at once, as a broken network path), used by the fault campaign.
import * as net from 'net';

export interface ByteCut {
  /** Client to server ('up') or server to client ('down'). */
  direction: 'up' | 'down';
  /** Bytes that pass in that direction before the cut. */
  after: number;
  /** 'reset': both sockets reset; 'stall': nothing passes any more, both sockets stay open. */
  how: 'reset' | 'stall';
}

export class CutProxy {
  private readonly server = net.createServer((client) => this.accept(client));
  private readonly sockets = new Set<net.Socket>();
  private readonly counts = { up: 0, down: 0 };
  private cutUntil = 0;
  private refusals = 0;
  private byteCutDone = false;
  port = 0;
  /** Connections cut on demand so far (to show that a fault did hit something). */
  cuts = 0;
  /** Server-to-client bytes wait this long before they pass, in order (a slow network, a large answer on its way). */
  downDelayMs = 0;

  constructor(
    private readonly host: string,
    private readonly targetPort: number,
    private readonly byteCut?: ByteCut,
  ) {}

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  /** Bytes passed client to server, over every connection. */
  get up(): number {
    return this.counts.up;
  }

  /** Bytes passed server to client, over every connection. */
  get down(): number {
    return this.counts.down;
  }

  /** The byte cut happened. */
  get cutAtByte(): boolean {
    return this.byteCutDone;
  }

  private accept(client: net.Socket): void {
    if (Date.now() < this.cutUntil || this.refusals > 0) {
      if (this.refusals > 0) this.refusals--;
      this.cuts++;
      client.destroy();
      return;
    }
    const upstream = net.connect(this.targetPort, this.host);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    let stalled = false;
    // Held server-to-client chunks, in order: a chunk that comes while some wait, waits behind them.
    let delayed = Promise.resolve();
    let waiting = 0;
    const relay = (from: net.Socket, to: net.Socket, direction: 'up' | 'down') =>
      from.on('data', (chunk: Buffer) => {
        if (stalled) return;
        const delay = direction === 'down' ? this.downDelayMs : 0;
        if ((delay > 0 || (direction === 'down' && waiting > 0)) && !this.byteCut) {
          this.counts[direction] += chunk.length;
          waiting++;
          delayed = delayed
            .then(() => new Promise((r) => setTimeout(r, delay)))
            .then(() => {
              waiting--;
              if (!to.destroyed) to.write(chunk);
            });
          return;
        }
        const cut = this.byteCut;
        const budget =
          cut && !this.byteCutDone && cut.direction === direction ? cut.after - this.counts[direction] : Infinity;
        if (chunk.length < budget) {
          this.counts[direction] += chunk.length;
          to.write(chunk);
          return;
        }
        this.byteCutDone = true;
        this.counts[direction] += budget;
        to.write(chunk.subarray(0, budget), () => {
          if (cut!.how === 'reset') {
            client.resetAndDestroy();
            upstream.resetAndDestroy();
          }
        });
        stalled = true;
      });
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', end);
      s.on('close', () => {
        this.sockets.delete(s);
        end();
      });
    }
    relay(client, upstream, 'up');
    relay(upstream, client, 'down');
  }

  /** Destroys every open connection now, and refuses new ones for `forMs`. */
  cut(forMs = 0): void {
    this.cutUntil = Date.now() + forMs;
    for (const s of this.sockets) {
      this.cuts++;
      s.destroy();
    }
  }

  /** Accepts the next `n` connections and closes them at once, then relays again. */
  refuseNext(n: number): void {
    this.refusals = n;
  }

  /** Cuts the connections open `afterMs` from now (a cut in the middle of a step). */
  cutLater(afterMs: number, forMs = 0): NodeJS.Timeout {
    return setTimeout(() => this.cut(forMs), afterMs);
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
