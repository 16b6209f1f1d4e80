import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts a test server on 127.0.0.1 on a free port, and returns the port. */
export async function listenOnFreeLocalPort(server: http.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** Closes the server and every connection; afterwards its port refuses connections. */
export async function closeServer(server: http.Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  // A few I/O turns let pooled client sockets (fetch keeps them alive) see the close; without them the
  // next request may reuse a dead socket and fail "other side closed" instead of ECONNREFUSED.
  for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
}
