import { desc } from 'drizzle-orm';
import type { Transporter } from 'nodemailer';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { type EmailOutboxRow, emailOutbox } from '../db/schema/identity.js';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends mail: verification codes now; back-in-stock notices and leads can use it later. */
export interface EmailSender {
  /** `smtp` delivers; `outbox` keeps mails in the database for the studio (development). */
  readonly kind: 'smtp' | 'outbox';
  send(message: EmailMessage): Promise<void>;
}

/** Delivers through an SMTP server (nodemailer), configured by SMTP_URL. */
export class SmtpEmailSender implements EmailSender {
  readonly kind = 'smtp' as const;
  /** Made at the first mail: nodemailer (~3 MiB of heap) is loaded only by a replica that sends one. */
  private transport?: Promise<Transporter>;

  constructor(
    private readonly smtpUrl: string,
    private readonly from: string,
  ) {}

  async send(message: EmailMessage): Promise<void> {
    this.transport ??= import('nodemailer').then(({ createTransport }) => createTransport(this.smtpUrl));
    await (await this.transport).sendMail({ from: this.from, ...message });
  }

  close(): void {
    void this.transport?.then(
      (t) => t.close(),
      () => {},
    );
  }
}

/** Keeps mails in `email_outbox` instead of sending them: the studio shows them when no SMTP is configured. */
export class OutboxEmailSender implements EmailSender {
  readonly kind = 'outbox' as const;

  constructor(private readonly db: Db) {}

  async send(message: EmailMessage): Promise<void> {
    await this.db.insert(emailOutbox).values(message);
  }

  /** Newest first. */
  async list(limit: number): Promise<EmailOutboxRow[]> {
    return this.db.select().from(emailOutbox).orderBy(desc(emailOutbox.createdAt)).limit(limit);
  }
}

/** SMTP when SMTP_URL is set, otherwise the development outbox. */
export function createEmailSender(mail: Config['mail'], db: Db): SmtpEmailSender | OutboxEmailSender {
  return mail.smtpUrl ? new SmtpEmailSender(mail.smtpUrl, mail.from) : new OutboxEmailSender(db);
}
