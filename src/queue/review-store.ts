import type { DocumentProblem, SenderAuthentication } from '../intake/intake-result';
import type { DirectoryAccount } from './accounts';
import type { Db } from './database';
import type { EventLog } from './event-log';
import type { RequestStatus } from './request-status';

/** One queued request with just what the queue page and its pre-checks need. */
export interface ListedRequest {
  reference: string;
  status: RequestStatus;
  email: string;
  username: string | null;
  registrationDate: string | null;
  senderAuthentication: SenderAuthentication;
  receivedAt: string;
  /** Since when a customer's mail waits unread by staff. */
  unreadSince: string | null;
  dueDate: string | null;
  assignedTo: string | null;
  idDocuments: { valid: boolean; problem: DocumentProblem | null }[];
  account: DirectoryAccount | null;
}

interface ListedRow {
  reference: string;
  status: RequestStatus;
  email: string;
  username: string | null;
  registration_date: string | null;
  sender_authentication: SenderAuthentication;
  received_at: string;
  unread_since: string | null;
  due_at: string | null;
  assigned_to: string | null;
  documents: string;
  account_username: string | null;
  account_email: string;
  account_registration_date: string;
  account_status: string;
}

/** All SQL staff faces read beyond single requests: the listing, counts, mail text, document views. */
export class ReviewStore {
  constructor(
    private readonly db: Db,
    private readonly events: EventLog,
  ) {}

  /**
   * Soonest due first (then oldest); `search` is a case-insensitive substring of the reference, the email, the sender's
   * display name or the username; `unread` keeps requests with a customer mail staff have not seen;
   * `assignedTo` those assigned to that member.
   */
  listed(filter: { status?: RequestStatus; search?: string; unread?: boolean; assignedTo?: string }): ListedRequest[] {
    const rows = this.db
      .prepare(
        `SELECT requests.reference, requests.status, requests.email, requests.username, requests.registration_date,
           requests.sender_authentication, requests.received_at, requests.unread_since, requests.due_at, requests.assigned_to,
           (SELECT json_group_array(json_object('valid', valid, 'problem', problem)) FROM documents WHERE request_id = requests.id) AS documents,
           accounts.username AS account_username, accounts.email AS account_email,
           accounts.registration_date AS account_registration_date, accounts.status AS account_status
         FROM requests LEFT JOIN accounts ON accounts.username = requests.username
         WHERE (@status IS NULL OR requests.status = @status)
           AND (@unread = 0 OR requests.unread_since IS NOT NULL)
           AND (@assignedTo IS NULL OR requests.assigned_to = @assignedTo)
           AND (@search IS NULL OR instr(lower(requests.reference), @search) OR instr(lower(requests.email), @search)
                OR instr(lower(requests.sender_name), @search) OR instr(lower(coalesce(requests.username, '')), @search))
         ORDER BY coalesce(requests.due_at, substr(requests.received_at, 1, 10)), requests.received_at, requests.id`,
      )
      .all({ status: filter.status ?? null, search: filter.search?.toLowerCase() || null, unread: filter.unread ? 1 : 0, assignedTo: filter.assignedTo?.normalize('NFC') ?? null }) as ListedRow[];
    return rows.map((row) => ({
      reference: row.reference,
      status: row.status,
      email: row.email,
      username: row.username,
      registrationDate: row.registration_date,
      senderAuthentication: row.sender_authentication,
      receivedAt: row.received_at,
      unreadSince: row.unread_since,
      dueDate: row.due_at,
      assignedTo: row.assigned_to,
      idDocuments: (JSON.parse(row.documents) as { valid: number; problem: DocumentProblem | null }[]).map(({ valid, problem }) => ({ valid: valid === 1, problem })),
      account:
        row.account_username === null
          ? null
          : { username: row.account_username, email: row.account_email, registrationDate: row.account_registration_date, status: row.account_status },
    }));
  }

  /** The whole queue's count per status, whatever a listing filters. */
  counts(): Record<RequestStatus, number> {
    const counts: Record<RequestStatus, number> = { needs_info: 0, pending_review: 0, approved: 0, closed: 0, rejected: 0 };
    for (const row of this.db.prepare('SELECT status, count(*) AS n FROM requests GROUP BY status').all() as { status: RequestStatus; n: number }[]) {
      counts[row.status] = row.n;
    }
    return counts;
  }

  bodyText(reference: string): string | null {
    return (this.db.prepare('SELECT body_text FROM requests WHERE reference = ?').pluck().get(reference) as string | undefined) ?? null;
  }

  recordEvent(reference: string, actor: string, type: string, detail: Record<string, unknown>): void {
    const id = this.db.prepare('SELECT id FROM requests WHERE reference = ?').pluck().get(reference) as number;
    this.events.append({ requestId: id }, actor, type, detail);
  }
}
