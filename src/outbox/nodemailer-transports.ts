import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { AccessTokens } from '../mailbox/oauth2-tokens';
import type { MailTransport, OutgoingMail } from './outgoing-mail';

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  password: string | null;
}

function toNodemailer(mail: OutgoingMail): Mail.Options {
  return {
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    inReplyTo: mail.inReplyTo ?? undefined,
    references: mail.references,
    headers: mail.headers,
    attachments: mail.attachments,
    // A null reverse-path would be right for pure notifications, but customers may answer us.
    envelope: { from: mail.from.address, to: mail.to },
  };
}

/** With `tokens`, SMTP_USER signs in with XOAUTH2 instead of SMTP_PASSWORD. */
export function createSmtpTransport(settings: SmtpSettings, tokens: AccessTokens | null = null): MailTransport {
  const transporter = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    auth: settings.user ? (tokens ? oauth2Auth(settings.user, tokens) : { user: settings.user, pass: settings.password ?? '' }) : undefined,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  return {
    async send(mail) {
      await transporter.sendMail(toNodemailer(mail));
    },
    close: () => transporter.close(),
  };
}

function oauth2Auth(user: string, tokens: AccessTokens): SMTPTransport.Options['auth'] {
  let offered: string | null = null;
  return {
    type: 'OAuth2',
    user,
    provisionCallback(_user, renew, callback) {
      // `renew`: the server refused the token nodemailer last offered.
      if (renew && offered !== null) tokens.discard(offered);
      tokens.current().then(
        (token) => {
          offered = token;
          // Our cache decides when a token is renewed (early, on the app's clock): an expiry long past
          // makes nodemailer ask again at every sign-in instead of keeping the token itself.
          callback(null, token, 1);
        },
        (error: Error) => callback(error, '', 0),
      );
    },
  };
}

/**
 * The embedded default only (a real desk sets SMTP_HOST): each outgoing mail becomes an .eml file
 * named after its Message-ID, so a resend after a crash overwrites the same file instead of making a
 * second mail. Our mail carries no ID document, but it names the customer: readable by this user only.
 */
export function createDirectoryTransport(directory: string): MailTransport {
  return {
    async send(mail) {
      const message = await renderEml(mail);
      const name = `${mail.messageId.replace(/[^A-Za-z0-9.@_-]/g, '')}.eml`;
      const path = join(directory, name);
      const temporary = `${path}.tmp`;
      // Synchronous calls, as the directory mailbox's: a small local file, where an asynchronous call costs many times the CPU.
      try {
        writeFileSync(temporary, message, { flag: 'wx', mode: 0o600 });
      } catch (error) {
        // The folder is made when first found missing; a leftover from a crash would keep its own mode: written anew.
        const { code } = error as NodeJS.ErrnoException;
        if (code === 'ENOENT') mkdirSync(directory, { recursive: true, mode: 0o700 });
        else if (code === 'EEXIST') rmSync(temporary, { force: true });
        else throw error;
        writeFileSync(temporary, message, { flag: 'wx', mode: 0o600 });
      }
      renameSync(temporary, path);
    },
    // Writing files holds no connection open.
    close: () => undefined,
  };
}

// 'windows', as nodemailer spells CRLF: a value it does not know ('crlf') gives bare LF line ends.
const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

/** The mail as the bytes an SMTP server would receive (an .eml file). */
export async function renderEml(mail: OutgoingMail): Promise<Buffer> {
  const info = (await composer.sendMail(toNodemailer(mail))) as { message: Buffer };
  return info.message;
}
