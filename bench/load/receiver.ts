import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A generic-webhook receiver on loopback standing in for a city's message gateway: answers 200
 * and counts each `X-CC-Delivery-Id` it is sent. The same id twice is a repeat send.
 */
export interface Receiver {
  url: string;
  received: Map<string, number>;
  total: () => number;
  repeats: () => { id: string; times: number }[];
  close: () => Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received = new Map<string, number>();
  let total = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['x-cc-delivery-id'] ?? 'none');
      received.set(id, (received.get(id) ?? 0) + 1);
      total++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    total: () => total,
    repeats: () => [...received].filter(([, n]) => n > 1).map(([id, times]) => ({ id, times })),
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
