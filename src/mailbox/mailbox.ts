/**
 * A mailbox the intake cycle drains. Messages are only ever moved out after their outcome is
 * committed, so every adapter must tolerate being asked to list the same messages again.
 */

export interface PendingMessage {
  /** Stable while the message stays where it is: `UIDVALIDITY:UID` for IMAP, the file name for a directory. */
  key: string;
  size: number;
}

export type Destination = 'processed' | 'quarantine';

export interface MailboxSession {
  /** What the message keys are valid for (the IMAP UIDVALIDITY); when it changes, old keys mean nothing. */
  readonly generation: string;
  /** Every message waiting in the inbox, oldest first (read or unread: staff read the inbox too). */
  pending(): Promise<PendingMessage[]>;
  read(message: PendingMessage): Promise<Buffer>;
  settle(message: PendingMessage, destination: Destination): Promise<void>;
  close(): Promise<void>;
}

export interface Mailbox {
  /** Opens a session for one intake cycle; a dropped connection surfaces as a rejected promise. */
  open(): Promise<MailboxSession>;
  /** Where the mail comes from, for logs (never a password). */
  readonly description: string;
  /**
   * Expunges mail in the processed folder received before `before` (retention); how many went.
   * Absent where processed mail keeps nothing of its content (the folder inbox keeps stubs).
   */
  purgeProcessed?(before: Date): Promise<number>;
}
