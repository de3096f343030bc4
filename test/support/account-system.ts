import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface AccountSystem {
  url: string;
  received: Received[];
  stop(): Promise<void>;
}

/** The account system behind the webhook: answers each POST with the next status in line (the last one from then on). */
export async function startAccountSystem(statuses: number[] = [204]): Promise<AccountSystem> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(statuses[Math.min(received.length, statuses.length) - 1]).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/cancel-desk`,
    received,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
