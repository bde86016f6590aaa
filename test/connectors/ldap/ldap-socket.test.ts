import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { coalescingConnection } from '../../../src/connectors/ldap/ldap-socket.js';

// The LDAP pool's connections: what the requests of one event-loop turn look like on the wire.

let server: ReturnType<typeof createServer>;
let accepted: Promise<Socket>;
let port: number;

before(async () => {
  server = createServer();
  accepted = once(server, 'connection').then(([s]) => s as Socket);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

after(() => {
  server.close();
});

describe('the LDAP pool connection', () => {
  it('sends the requests of one event-loop turn in one piece, and the next turn’s without waiting for more', async (t) => {
    const client = coalescingConnection(port, '127.0.0.1');
    await once(client, 'connect');
    const peer = await accepted;
    t.after(() => {
      client.destroy();
      peer.destroy();
    });
    const chunks: string[] = [];
    peer.on('data', (d: Buffer) => chunks.push(d.toString()));
    const arrived = async (text: string): Promise<void> => {
      while (!chunks.join('').endsWith(text)) await new Promise((r) => setTimeout(r, 5));
    };
    client.write('a');
    client.write('b');
    client.write('c');
    // Held until the turn ends, then handed to the kernel in one write.
    assert.equal(client.writableLength, 3);
    await arrived('abc');
    assert.deepEqual(chunks, ['abc']);
    // A later turn is not held back for company: it leaves at the end of its own turn.
    client.write('d');
    assert.equal(client.writableLength, 1);
    await arrived('abcd');
    assert.deepEqual(chunks, ['abc', 'd']);
    assert.equal(client.writableCorked, 0);
  });
});
