import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
}

/** A real SMTP server on localhost (the `smtp-server` package): records every mail it accepts. */
export class SmtpReceiver {
  readonly mails: ReceivedMail[] = [];
  private server?: SMTPServer;
  private waiters: (() => void)[] = [];

  async listen(): Promise<string> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, done) => {
        simpleParser(stream)
          .then((parsed) => {
            const to = [parsed.to ?? []]
              .flat()
              .flatMap((a) => a.value.map((v) => v.address ?? ''))
              .filter(Boolean);
            this.mails.push({ to, subject: parsed.subject ?? '', text: parsed.text ?? '' });
            for (const wake of this.waiters.splice(0)) wake();
            done();
          })
          .catch(done);
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    return `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  }

  /** The first mail to `address` after `count` mails had arrived, waiting for it. */
  async next(address: string, after: number, timeoutMs = 10_000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.mails.slice(after).find((m) => m.to.includes(address));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no mail to ${address} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** The 6-digit code in a verification mail. */
export const codeIn = (mail: ReceivedMail) => /\b(\d{6})\b/.exec(mail.text)?.[1] ?? '';
