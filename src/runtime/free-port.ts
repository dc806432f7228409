import { createServer } from 'node:net';

/**
 * Ask the OS for a currently unused TCP port on 127.0.0.1.
 *
 * There is an unavoidable gap between closing this probe socket and the real
 * server binding the port; callers that start child servers should treat a
 * bind failure as retryable.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not determine a free TCP port'));
        return;
      }
      const { port } = address;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}
