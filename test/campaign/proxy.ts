// A TCP proxy in front of a real server (moto, sshd) that the campaign cuts: every open connection is
// destroyed, and while cut, new connections are accepted and closed at once (as a broken network path).
import * as net from 'net';

export class CutProxy {
  private server = net.createServer((client) => this.accept(client));
  private sockets = new Set<net.Socket>();
  private cutUntil = 0;
  port = 0;
  /** Connections cut so far (to show that a fault did hit something). */
  cuts = 0;

  constructor(
    private readonly host: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  private accept(client: net.Socket): void {
    if (Date.now() < this.cutUntil) {
      this.cuts++;
      client.destroy();
      return;
    }
    const upstream = net.connect(this.targetPort, this.host);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        this.sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Destroys every open connection now, and refuses new ones for `forMs`. */
  cut(forMs = 0): void {
    this.cutUntil = Date.now() + forMs;
    for (const s of this.sockets) {
      this.cuts++;
      s.destroy();
    }
  }

  /** Cuts the connections open `afterMs` from now (a cut in the middle of a step). */
  cutLater(afterMs: number, forMs = 0): NodeJS.Timeout {
    return setTimeout(() => this.cut(forMs), afterMs);
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
