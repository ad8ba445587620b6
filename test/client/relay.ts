/**
 * A TCP relay that stands for a server's fixed address, so a test can restart the server behind it.
 * A new App cannot listen on a port for about a minute after an App that served connections there
 * closed (SWB_ERR_PORT_IN_USE): those connections stay in TIME_WAIT, and uWS v20.30 listens without
 * SO_REUSEADDR. Node's listener sets it, so the relay can stop and listen again on its port at once.
 */
import * as net from 'node:net';

export class Relay {
  private server: net.Server | null = null;
  port = 0;

  /** Listens (on the same port as before, after a close) and relays each connection to `target`. */
  listen(target: number): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(target, '127.0.0.1');
      client.pipe(upstream);
      upstream.pipe(client);
      const drop = (): void => {
        client.destroy();
        upstream.destroy();
      };
      for (const socket of [client, upstream]) socket.on('error', drop).on('close', drop);
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.address() as net.AddressInfo).port;
        this.server = server;
        resolve();
      });
    });
  }

  /** Stops accepting; relayed connections last until one of their ends closes. */
  close(): void {
    this.server?.close();
    this.server = null;
  }
}
