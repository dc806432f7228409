import http from 'node:http';

/** The client headers a router in front of Lotse's subgraphs forwards: the partner's token and purpose, the request id. */
export const FORWARDED_HEADERS = ['authorization', 'lotse-purpose', 'x-request-id'];

/** `GET /healthz` for the suite to wait on; true when answered. */
export function answerHealth(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (req.url !== '/healthz') return false;
  res.end('ok');
  return true;
}

export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
