/**
 * Sending one mail through SMTP with nodemailer, with a timeout and an abort signal, and classifying what went
 * wrong: the server's 5xx answers are permanent, its 4xx answers and every failure to connect, greet, or finish
 * in time are transient (docs/email.md, "Retries").
 */
import nodemailer from 'nodemailer';
import { MailSendError } from './mail-errors.js';
import type { CompiledMailSettings } from './mail-settings.js';

export interface MailMessage {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  /** `<id@host>`: the same for every attempt of one notification, so a receiver can tell a resend. */
  readonly messageId: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface MailSent {
  readonly messageId: string | null;
  /** Recipients the server refused while accepting the others. */
  readonly rejected: readonly string[];
}

/** What the mail worker sends through; the SMTP one below in production, the same in tests (a real local server). */
export interface MailTransport {
  /** Sends one mail; throws a {@link MailSendError} saying whether a retry may help. */
  send(message: MailMessage, signal?: AbortSignal): Promise<MailSent>;
  close(): void;
}

/** Connection codes of nodemailer after which another attempt may well succeed. */
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROTOCOL', 'EABORT', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND']);

/** What a failed send means for the notification. */
export function classifySmtpFailure(error: unknown): MailSendError {
  const e = (error ?? {}) as { responseCode?: unknown; code?: unknown; response?: unknown; message?: unknown; name?: unknown };
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const response = typeof e.response === 'string' ? e.response : undefined;
  const message = typeof e.message === 'string' ? e.message : String(error);
  const details = { ...(responseCode !== undefined && { responseCode }), ...(typeof e.code === 'string' && { smtpCode: e.code }) };
  if (responseCode !== undefined && responseCode >= 500) {
    return new MailSendError('MAIL_REJECTED', `the SMTP server refused the mail: ${response ?? message}`, false, details);
  }
  if (responseCode !== undefined && responseCode >= 400) {
    return new MailSendError('MAIL_TRANSIENT', `the SMTP server deferred the mail: ${response ?? message}`, true, details);
  }
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || (typeof e.code === 'string' && TRANSIENT_CODES.has(e.code))) {
    return new MailSendError('MAIL_TRANSIENT', `the SMTP server could not be reached or did not answer in time: ${message}`, true, details);
  }
  // Anything unexpected is retried too: attempts are bounded, and a mail lost for a bug of ours is worse.
  return new MailSendError('MAIL_TRANSIENT', `sending failed: ${message}`, true, details);
}

export function smtpTransport(settings: CompiledMailSettings): MailTransport {
  const { smtp } = settings;
  const transporter = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'none',
    ...(smtp.user !== null && { auth: { user: smtp.user, ...(smtp.password !== null && { pass: smtp.password.reveal() }) } }),
    connectionTimeout: smtp.timeoutMs,
    greetingTimeout: smtp.timeoutMs,
    socketTimeout: smtp.timeoutMs,
    // Mails are text we compose: nothing in them may make the transport read files or fetch URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
  });
  return {
    async send(message, signal) {
      const timeout = AbortSignal.timeout(smtp.timeoutMs);
      try {
        const info = await transporter.sendMail({
          from: settings.from,
          to: [...message.to],
          subject: message.subject,
          text: message.text,
          messageId: message.messageId,
          ...(message.headers && { headers: { ...message.headers } }),
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
        const rejected = (info.rejected ?? []).map((r: string | { address: string }) => (typeof r === 'string' ? r : r.address));
        return { messageId: typeof info.messageId === 'string' ? info.messageId : null, rejected };
      } catch (e) {
        throw classifySmtpFailure(e);
      }
    },
    close() {
      transporter.close();
    },
  };
}
