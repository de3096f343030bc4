import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: Buffer;
}

export interface SmtpSinkOptions {
  /**
   * Require an XOAUTH2 sign-in (the only method offered), accepting the tokens this says are good,
   * as Microsoft 365 and Gmail do; without it, no sign-in is asked for.
   */
  acceptToken?: (user: string, accessToken: string) => boolean;
}

export interface SmtpSink {
  port: number;
  received: ReceivedMail[];
  /** Every XOAUTH2 sign-in attempted, accepted or not. */
  signIns: { user: string; accessToken: string; accepted: boolean }[];
  /** While refusing, every message is answered with a temporary failure (451). */
  refuse(refusing: boolean): void;
  stop(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 that keeps what it is sent. */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const signIns: SmtpSink['signIns'] = [];
  let refusing = false;
  const { acceptToken } = options;
  const server = new SMTPServer({
    authOptional: acceptToken === undefined,
    ...(acceptToken ? { authMethods: ['XOAUTH2'] } : {}),
    // The sink has no certificate: the sign-in crosses loopback in plain text.
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      const accepted = acceptToken !== undefined && auth.method === 'XOAUTH2' && acceptToken(auth.username ?? '', auth.accessToken ?? '');
      signIns.push({ user: auth.username ?? '', accessToken: auth.accessToken ?? '', accepted });
      if (!accepted) {
        callback(null, { data: { status: '401', schemes: 'bearer' } });
        return;
      }
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (refusing) {
          const error = Object.assign(new Error('try again later'), { responseCode: 451 });
          callback(error);
          return;
        }
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          raw: Buffer.concat(chunks),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    received,
    signIns,
    refuse: (value) => {
      refusing = value;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
