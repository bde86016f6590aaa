/**
 * The TCP connection under each pooled LDAP client: Nagle off, and the requests of one turn of the event loop
 * written together.
 *
 * The pool sends many operations over one connection at once (LDAP multiplexes by message id). ldapts writes each
 * request with its own `socket.write`, which is a system call each, and on loopback the call also runs the server's
 * side of the receive; with Nagle on, a small request behind another one still unanswered can wait for an ACK. So
 * the socket has Nagle off and is corked at the first write of a turn and uncorked at the end of it
 * (`setImmediate`): the requests that answers arriving together give rise to leave in one `writev`. It adds no
 * wait beyond the current turn, and changes nothing of what is sent or in which order.
 */
import { connect, type Socket } from 'node:net';

/** Corks `socket` at the first write of each event-loop turn and uncorks it once the turn is over. */
export function coalesceWrites(socket: Socket): Socket {
  const write = socket.write;
  let corked = false;
  const flush = (): void => {
    corked = false;
    socket.uncork();
  };
  socket.write = function (this: Socket, ...args: Parameters<Socket['write']>): boolean {
    if (!corked && !socket.destroyed) {
      corked = true;
      socket.cork();
      setImmediate(flush);
    }
    return write.apply(this, args);
  } as Socket['write'];
  return socket;
}

/** `createConnection` for ldapts (ldap:// URLs): a plain TCP connection with Nagle off and writes coalesced. */
export function coalescingConnection(port: number, host?: string): Socket {
  const socket = connect({ port, ...(host !== undefined && { host }), noDelay: true });
  return coalesceWrites(socket);
}
