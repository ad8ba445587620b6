/**
 * Binding a port with node:net and releasing it at once. uWS's listen() reports a failure as a bare
 * `false`; binding the same host and port again with node:net gives the system's error code
 * (EADDRINUSE, EACCES, EADDRNOTAVAIL…), which tells why. serve() uses the same probe to check that a
 * port is free before its workers share it, and to pick a free one for port 0.
 *
 * node:net never sets SO_REUSEPORT, so its bind fails on a port held by any listener, sharing or not.
 */
import { createServer } from 'node:net';

/** The port bound (then released), or the error code of the failed bind. */
export type BindResult = { readonly port: number } | { readonly code: string };

export function tryBind(host: string | undefined, port: number): Promise<BindResult> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve({ code: error.code ?? error.message }));
    server.listen({ port, host, exclusive: true }, () => {
      const bound = server.address();
      server.close(() => resolve({ port: typeof bound === 'object' && bound !== null ? bound.port : port }));
    });
  });
}
