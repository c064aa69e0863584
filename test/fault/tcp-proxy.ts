import net from 'node:net';

/**
 * A TCP proxy between the server under test and PostgreSQL, to make the network misbehave:
 * latency, a blackhole (bytes and closes silently dropped until heal), resets of every connection,
 * refusing connections for a while (a restart as the client sees it), and a reset right after a
 * COMMIT reached PostgreSQL and was answered (the reply is lost; the transaction is committed).
 */

interface Pair {
  readonly client: net.Socket;
  readonly server: net.Socket;
  /** Bytes from the client not yet parsed into PostgreSQL frontend messages. */
  inbound: Buffer;
  startupDone: boolean;
  /** A COMMIT went through: the next reply is swallowed and the connection reset. */
  swallowReply: boolean;
}

export class PgProxy {
  private readonly pairs = new Set<Pair>();
  private latencyMs = 0;
  private blackholed = false;
  private refusing = false;
  /** Closes seen while blackholed, delivered when the network heals. */
  private readonly heldCloses = new Set<Pair>();
  private commitTrap: (() => void) | undefined;

  private constructor(
    private readonly listener: net.Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<PgProxy> {
    const ready: { proxy?: PgProxy } = {};
    const listener = net.createServer((client) => ready.proxy?.accept(client, target));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    ready.proxy = new PgProxy(listener, (listener.address() as net.AddressInfo).port);
    return ready.proxy;
  }

  /** `url` (a PostgreSQL URL) with its host and port replaced by the proxy's. */
  route(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  get connections(): number {
    return this.pairs.size;
  }

  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** Silence: nothing passes either way and no close is forwarded, until heal(). */
  blackhole(): void {
    this.blackholed = true;
  }

  /** Back to normal: closes held during the blackhole reach the other side now. */
  heal(): void {
    this.blackholed = false;
    this.refusing = false;
    this.latencyMs = 0;
    for (const pair of this.heldCloses) this.drop(pair);
    this.heldCloses.clear();
  }

  /** Every connection reset (RST) both ways. */
  resetAll(): void {
    for (const pair of this.pairs) this.drop(pair, true);
  }

  /** New connections are reset at once (as if PostgreSQL were down), existing ones reset, until heal(). */
  refuse(): void {
    this.refusing = true;
    this.resetAll();
  }

  /** The next COMMIT is forwarded and answered, then its reply is dropped and the connection reset. */
  resetAfterNextCommit(): Promise<void> {
    return new Promise((resolve) => {
      this.commitTrap = resolve;
    });
  }

  async close(): Promise<void> {
    this.resetAll();
    await new Promise<void>((resolve) => this.listener.close(() => resolve()));
  }

  private accept(client: net.Socket, target: { host: string; port: number }): void {
    if (this.refusing) {
      client.resetAndDestroy();
      return;
    }
    const server = net.connect(target.port, target.host);
    const pair: Pair = { client, server, inbound: Buffer.alloc(0), startupDone: false, swallowReply: false };
    this.pairs.add(pair);
    client.on('data', (chunk: Buffer) => {
      if (this.blackholed) return;
      this.watchCommit(pair, chunk);
      this.forward(server, chunk);
    });
    server.on('data', (chunk: Buffer) => {
      if (this.blackholed) return;
      if (pair.swallowReply) {
        this.drop(pair, true);
        return;
      }
      this.forward(client, chunk);
    });
    const closed = () => {
      if (this.blackholed) this.heldCloses.add(pair);
      else this.drop(pair);
    };
    for (const socket of [client, server]) {
      socket.on('error', () => undefined);
      socket.on('close', closed);
    }
  }

  private forward(to: net.Socket, chunk: Buffer): void {
    if (this.latencyMs === 0) to.write(chunk);
    else setTimeout(() => to.writable && to.write(chunk), this.latencyMs);
  }

  private drop(pair: Pair, reset = false): void {
    this.pairs.delete(pair);
    for (const socket of [pair.client, pair.server]) {
      if (socket.destroyed) continue;
      if (reset) socket.resetAndDestroy();
      else socket.destroy();
    }
  }

  /** Parses the client's frontend messages, looking for a simple-protocol COMMIT while the trap is armed. */
  private watchCommit(pair: Pair, chunk: Buffer): void {
    pair.inbound = Buffer.concat([pair.inbound, chunk]);
    for (;;) {
      if (!pair.startupDone) {
        if (pair.inbound.length < 4) return;
        const length = pair.inbound.readInt32BE(0);
        if (pair.inbound.length < length) return;
        pair.inbound = pair.inbound.subarray(length);
        pair.startupDone = true;
        continue;
      }
      if (pair.inbound.length < 5) return;
      const type = String.fromCharCode(pair.inbound[0] ?? 0);
      const length = pair.inbound.readInt32BE(1);
      if (pair.inbound.length < 1 + length) return;
      const body = pair.inbound.subarray(5, 1 + length);
      pair.inbound = pair.inbound.subarray(1 + length);
      if (this.commitTrap && type === 'Q' && /^\s*commit\s*$/i.test(body.toString('utf8').replace(/\0$/, ''))) {
        pair.swallowReply = true;
        const fired = this.commitTrap;
        this.commitTrap = undefined;
        fired?.();
        return;
      }
    }
  }
}
