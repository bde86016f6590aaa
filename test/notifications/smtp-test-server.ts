/**
 * A real SMTP server on loopback for the email tests (smtp-server), recording every mail it accepted, parsed
 * (mailparser). `answer(n, to)` decides the reply to the n-th DATA (1-based) for those recipients: undefined accepts it, a code refuses it.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  readonly to: readonly string[];
  readonly from: string;
  readonly subject: string;
  readonly text: string;
  readonly messageId: string;
  readonly key: string;
}

export interface TestSmtpServer {
  readonly port: number;
  /** Accepted mails, in arrival order. */
  readonly mails: ReceivedMail[];
  /** DATA commands seen, accepted or not. */
  attempts(): number;
  close(): Promise<void>;
}

export async function startSmtpServer(
  options: { readonly answer?: (n: number, to: readonly string[]) => { code: number; message: string } | undefined; readonly delayMs?: number } = {},
): Promise<TestSmtpServer> {
  const mails: ReceivedMail[] = [];
  let data = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const n = ++data;
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const reply = options.answer?.(n, session.envelope.rcptTo.map((r) => r.address));
        const finish = (): void => {
          if (reply) {
            const err = Object.assign(new Error(reply.message), { responseCode: reply.code });
            callback(err);
            return;
          }
          simpleParser(Buffer.concat(chunks))
            .then((m) => {
              const key = m.headers.get('x-idflow-notification');
              mails.push({
                to: session.envelope.rcptTo.map((r) => r.address),
                from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
                subject: m.subject ?? '',
                text: m.text ?? '',
                messageId: m.messageId ?? '',
                key: typeof key === 'string' ? key : '',
              });
              callback();
            })
            .catch((e: Error) => callback(e));
        };
        if (options.delayMs) setTimeout(finish, options.delayMs);
        else finish();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    mails,
    attempts: () => data,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
