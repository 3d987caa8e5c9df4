/**
 * A tiny TCP proxy on 127.0.0.1: the local stand-in for a writer endpoint that moves on failover (a DNS
 * name, an RDS cluster endpoint, a PgBouncer). `switchTo` points new connections at another server and cuts
 * the ones open to the old one, as a failover does.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

/** Where the proxy forwards to. */
export interface ProxyTarget {
  host: string;
  port: number;
}

/**
 * @example
 * const proxy = await TcpProxy.start({ host: '127.0.0.1', port: primaryPort });
 * process.env.DATABASE_URL = `postgres://app:pw@127.0.0.1:${proxy.port}/app`;
 * proxy.switchTo({ host: '127.0.0.1', port: standbyPort }); // failover
 */
export class TcpProxy {
  #target: ProxyTarget;
  readonly #sockets = new Set<Socket>();

  private constructor(
    readonly server: Server,
    readonly port: number,
    target: ProxyTarget,
  ) {
    this.#target = target;
  }

  /** Listens on a free port of 127.0.0.1 and forwards to `target`. */
  static async start(target: ProxyTarget): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const server = createServer((client) => proxy?.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    proxy = new TcpProxy(server, (server.address() as { port: number }).port, target);
    return proxy;
  }

  /** The server new connections go to. */
  get target(): ProxyTarget {
    return this.#target;
  }

  /** Sends new connections to `target` and closes every connection open now. */
  switchTo(target: ProxyTarget): void {
    this.#target = target;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    const upstream = connect(this.#target.port, this.#target.host);
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        this.#sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
