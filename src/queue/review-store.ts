import type { DocumentProblem, SenderAuthentication } from '../intake/intake-result';
import type { CheckCounts, CheckState, OtherRequest, RelatedRequests } from '../review/pre-checks';
import type { DirectoryAccount } from './accounts';
import type { Db } from './database';
import type { EventLog, EventType } from './event-log';
import { keptCount, keptCounts } from './request-counts';
import type { RequestStatus } from './request-status';

/** One request whose stored check summary is stale, with what its pre-checks need. */
export interface UncheckedRequest {
  id: number;
  email: string;
  username: string | null;
  registrationDate: string | null;
  senderAuthentication: SenderAuthentication;
  idDocuments: { valid: boolean; problem: DocumentProblem | null }[];
  account: DirectoryAccount | null;
}

/** One queued request with just what the queue page needs, its check summary included. */
export interface ListedRequest {
  reference: string;
  status: RequestStatus;
  email: string;
  username: string | null;
  receivedAt: string;
  /** Since when a customer's mail waits unread by staff. */
  unreadSince: string | null;
  dueDate: string | null;
  assignedTo: string | null;
  checkState: CheckState;
  checkCounts: CheckCounts;
}

interface ListedRow {
  reference: string;
  status: RequestStatus;
  email: string;
  username: string | null;
  received_at: string;
  unread_since: string | null;
  due_at: string | null;
  assigned_to: string | null;
  check_state: CheckState;
  check_counts: string;
}

interface UncheckedRow {
  id: number;
  email: string;
  username: string | null;
  registration_date: string | null;
  sender_authentication: SenderAuthentication;
  documents: string;
  account_username: string | null;
  account_email: string;
  account_registration_date: string;
  account_status: string;
}

export interface ListingFilter {
  status?: RequestStatus;
  /**
   * A case-insensitive substring of the reference, the email, the sender's name, the username or the
   * customer's mail text; one or two characters are looked for in all but the mail text.
   */
  search?: string;
  unread?: boolean;
  check?: CheckState;
  /** Only those assigned to this staff member. */
  assignedTo?: string;
}

/** Three characters make a trigram: from there on a search is looked up in the indexes of migration 016, a request's own fields and its customer's mails. */
const MATCHES_IN = {
  requests: 'SELECT rowid FROM request_search WHERE request_search MATCH @phrase',
  messages: `SELECT request_messages.request_id FROM message_search JOIN request_messages ON request_messages.id = message_search.rowid
    WHERE message_search MATCH @phrase`,
};
const SEARCH_MATCH_IDS = `${MATCHES_IN.requests} UNION ${MATCHES_IN.messages}`;
/**
 * Up to this many matches a page starts from them: each found by its id, the lot sorted into queue
 * order. Beyond it a page walks the queue-order index and keeps the matches (注销 is in most Chinese
 * mails), which stops after a page instead of sorting thousands. Left to itself SQLite starts from
 * the status index and tests every request of that status against the matches, a pass over most of
 * the queue however few match: which of the two is asked for, not guessed.
 */
const MANY_MATCHES = 1000;
/**
 * Each index's matches gathered only up to the limit: the FTS cursor stops there, so telling few
 * from many costs as little for a common word as for a rare one, and few are then at hand, not
 * looked up again for the count and the page.
 */
const FIRST_MATCHES = [MATCHES_IN.requests, MATCHES_IN.messages].map((sql) => `${sql} LIMIT ${MANY_MATCHES + 1}`);
/** Requests by the ids gathered in `@matches` (a JSON array), each by its primary key. */
const MATCHED_REQUESTS = 'json_each(@matches) AS matched CROSS JOIN requests ON requests.id = matched.value';
/**
 * A trigram index finds nothing shorter than three characters, so one or two (a Chinese given name
 * such as 李娜, an initial) are matched against the short fields only. The mail texts are left out
 * for them: reading every one is the cost the indexes exist to avoid. LIKE, not instr(lower(…)): the
 * same ASCII-only case folding without building lowered copies, about twice as fast; its wildcards in
 * the search are escaped.
 */
const SHORT_MATCH = `(requests.reference LIKE @pattern ESCAPE '\\' OR requests.email LIKE @pattern ESCAPE '\\'
    OR requests.sender_name LIKE @pattern ESCAPE '\\' OR requests.username LIKE @pattern ESCAPE '\\')`;
const QUEUE_ORDER = 'ORDER BY coalesce(requests.due_at, substr(requests.received_at, 1, 10)), requests.received_at, requests.id';
const LISTED_COLUMNS = 'requests.reference, requests.status, requests.email, requests.username, requests.received_at, requests.unread_since, requests.due_at, requests.assigned_to, requests.check_state, requests.check_counts';

/**
 * Only the conditions a filter sets: SQLite plans `@x IS NULL OR column = @x` as a scan, so a
 * condition that is always true would keep it from the index that answers the one that is not
 * ("Mine" by the assignee index, a status by the queue-order index).
 */
function filterConditions(filter: ListingFilter): string[] {
  return [
    filter.status !== undefined && 'requests.status = @status',
    filter.unread && 'requests.unread_since IS NOT NULL',
    filter.assignedTo !== undefined && 'requests.assigned_to = @assignedTo',
    filter.check !== undefined && 'requests.check_state = @check',
  ].filter((condition): condition is string => typeof condition === 'string');
}

function whereClause(conditions: string[]): string {
  return conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
}

/** The search as one FTS5 phrase: inside double quotes every character is literal but the quote, which is doubled, so no query syntax gets through. */
function ftsPhrase(search: string): string {
  return `"${search.replaceAll('"', '""')}"`;
}

function toListed(row: ListedRow): ListedRequest {
  return {
    reference: row.reference,
    status: row.status,
    email: row.email,
    username: row.username,
    receivedAt: row.received_at,
    unreadSince: row.unread_since,
    dueDate: row.due_at,
    assignedTo: row.assigned_to,
    checkState: row.check_state,
    checkCounts: JSON.parse(row.check_counts) as CheckCounts,
  };
}

/** One page of a listing and how many match in all; `totalCapped`: counting stopped at `total`, and more match. */
export interface ListingPage {
  items: ListedRequest[];
  total: number;
  totalCapped: boolean;
}

/** All SQL staff faces read beyond single requests: the listing, counts, mail text, document views. */
export class ReviewStore {
  constructor(
    private readonly db: Db,
    private readonly events: EventLog,
  ) {}

  /**
   * One page of the queue, soonest due first (then oldest), and how many match in all: paged in SQL,
   * whatever the queue's size. A search of one or two characters that matches more than 1,000
   * requests is counted only that far (`totalCapped`): counting further would read the whole queue.
   */
  page(filter: ListingFilter, offset: number, limit: number): ListingPage {
    const search = filter.search ?? '';
    // SQLite reads an FTS5 query and a LIKE pattern only up to a NUL (the query then fails, the pattern matches anything): a search with one finds nothing.
    if (search.includes('\u0000')) return { items: [], total: 0, totalCapped: false };
    const parameters = {
      ...(filter.status !== undefined && { status: filter.status }),
      ...(filter.check !== undefined && { check: filter.check }),
      ...(filter.assignedTo !== undefined && { assignedTo: filter.assignedTo.normalize('NFC') }),
    };
    const conditions = filterConditions(filter);
    if (search === '') return this.unsearchedPage(filter, conditions, parameters, offset, limit);
    // Three characters counted in code points, as the trigram tokenizer counts them.
    if ([...search].length < 3) return this.shortSearchPage(filter, conditions, { ...parameters, pattern: `%${search.replace(/[\\%_]/g, '\\$&')}%` }, offset, limit);
    return this.indexedSearchPage(filter, conditions, { ...parameters, phrase: ftsPhrase(search) }, offset, limit);
  }

  private unsearchedPage(filter: ListingFilter, conditions: string[], parameters: Record<string, unknown>, offset: number, limit: number): ListingPage {
    const where = whereClause(conditions);
    // A listing by status alone (or none) is as long as the counts kept for the header say.
    const narrowed = filter.unread || filter.assignedTo !== undefined || filter.check !== undefined;
    const total = narrowed ? (this.db.prepare(`SELECT count(*) FROM requests ${where}`).pluck().get(parameters) as number) : keptCount(this.db, filter.status);
    return { items: this.listed(`requests ${where}`, parameters, offset, limit), total, totalCapped: false };
  }

  private indexedSearchPage(filter: ListingFilter, conditions: string[], parameters: Record<string, unknown>, offset: number, limit: number): ListingPage {
    const phrase = { phrase: parameters.phrase };
    const [inRequests, inMessages] = FIRST_MATCHES.map((sql) => this.db.prepare(sql).pluck().all(phrase) as number[]);
    if (inRequests.length <= MANY_MATCHES && inMessages.length <= MANY_MATCHES) {
      const matched = { ...parameters, matches: JSON.stringify([...new Set([...inRequests, ...inMessages])]) };
      const from = `${MATCHED_REQUESTS} ${whereClause(conditions)}`;
      const total = this.db.prepare(`SELECT count(*) FROM ${from}`).pluck().get(matched) as number;
      return { items: this.listed(from, matched, offset, limit), total, totalCapped: false };
    }
    // Many: the matches gathered once, then counted and paged along the queue-order index in the same statement; apart, each would gather them again.
    const where = whereClause([...conditions, 'requests.id IN matched']);
    const rows = this.db
      .prepare(
        `WITH matched (id) AS MATERIALIZED (${SEARCH_MATCH_IDS})
         SELECT ${conditions.length === 0 ? '(SELECT count(*) FROM matched)' : `(SELECT count(*) FROM requests ${where})`} AS total, page.*
         FROM (SELECT 1) LEFT JOIN (SELECT ${LISTED_COLUMNS} FROM requests ${this.inQueueOrder(filter)} ${where} ${QUEUE_ORDER} LIMIT @limit OFFSET @offset) AS page`,
      )
      .all({ ...parameters, limit, offset }) as (ListedRow & { total: number })[];
    // A page past the last still has its one row, for the total, with nothing listed on it.
    return { items: rows.filter((row) => row.reference !== null).map(toListed), total: rows[0].total, totalCapped: false };
  }

  /**
   * The matches are gathered from the narrow index of the short fields, not the wide rows, and only
   * up to 1,000 of them: a common pair of letters stops early, a rare one reads that small index
   * through. Beyond 1,000 the page walks the queue in order and keeps the matches, as many as it needs.
   */
  private shortSearchPage(filter: ListingFilter, conditions: string[], parameters: Record<string, unknown>, offset: number, limit: number): ListingPage {
    const matches = this.db
      .prepare(`SELECT requests.id FROM requests INDEXED BY requests_short_fields ${whereClause([SHORT_MATCH, ...conditions])} LIMIT ${MANY_MATCHES + 1}`)
      .pluck()
      .all(parameters) as number[];
    if (matches.length <= MANY_MATCHES) {
      const items = this.listed(MATCHED_REQUESTS, { matches: JSON.stringify(matches) }, offset, limit);
      return { items, total: matches.length, totalCapped: false };
    }
    const items = this.listed(`requests ${this.inQueueOrder(filter)} ${whereClause([...conditions, SHORT_MATCH])}`, parameters, offset, limit);
    return { items, total: MANY_MATCHES, totalCapped: true };
  }

  /** The queue-order index named, for a page that walks it keeping the matches ("Mine" is best read from the assignee index, however many match). */
  private inQueueOrder(filter: ListingFilter): string {
    if (filter.assignedTo !== undefined) return '';
    return `INDEXED BY ${filter.status === undefined ? 'requests_in_order' : 'requests_in_queue_order'}`;
  }

  private listed(from: string, parameters: Record<string, unknown>, offset: number, limit: number): ListedRequest[] {
    const rows = this.db.prepare(`SELECT ${LISTED_COLUMNS} FROM ${from} ${QUEUE_ORDER} LIMIT @limit OFFSET @offset`).all({ ...parameters, limit, offset }) as ListedRow[];
    return rows.map(toListed);
  }

  /** Requests whose stored check summary is stale, with what their checks need. */
  unchecked(limit: number): UncheckedRequest[] {
    const rows = this.db
      .prepare(
        `SELECT requests.id, requests.email, requests.username, requests.registration_date, requests.sender_authentication,
           (SELECT json_group_array(json_object('valid', valid, 'problem', problem)) FROM documents WHERE request_id = requests.id AND counted = 1) AS documents,
           accounts.username AS account_username, accounts.email AS account_email,
           accounts.registration_date AS account_registration_date, accounts.status AS account_status
         FROM requests LEFT JOIN accounts ON accounts.username = requests.username
         WHERE requests.check_state IS NULL ORDER BY requests.id LIMIT ?`,
      )
      .all(limit) as UncheckedRow[];
    return rows.map((row) => ({
      id: row.id,
      email: row.email,
      username: row.username,
      registrationDate: row.registration_date,
      senderAuthentication: row.sender_authentication,
      idDocuments: (JSON.parse(row.documents) as { valid: number; problem: DocumentProblem | null }[]).map(({ valid, problem }) => ({ valid: valid === 1, problem })),
      account:
        row.account_username === null
          ? null
          : { username: row.account_username, email: row.account_email, registrationDate: row.account_registration_date, status: row.account_status },
    }));
  }

  storeChecks(summaries: { id: number; state: CheckState; counts: CheckCounts }[]): void {
    const store = this.db.prepare('UPDATE requests SET check_state = ?, check_counts = ? WHERE id = ?');
    this.db.transaction(() => {
      for (const summary of summaries) store.run(summary.state, JSON.stringify(summary.counts), summary.id);
    })();
  }

  /** Other requests sharing a counted ID document (by SHA-256) or the username with this one. */
  related(requestId: number): RelatedRequests {
    const sameDocument = this.db
      .prepare(
        `SELECT DISTINCT other.reference, other.status, other.email, other.username FROM documents mine
         JOIN documents theirs ON theirs.sha256 = mine.sha256 AND theirs.request_id <> mine.request_id AND theirs.counted = 1
         JOIN requests other ON other.id = theirs.request_id
         WHERE mine.request_id = ? AND mine.counted = 1 ORDER BY other.id`,
      )
      .all(requestId) as OtherRequest[];
    const sameUsername = this.db
      .prepare(
        `SELECT other.reference, other.status, other.email, other.username FROM requests mine
         JOIN requests other ON other.username = mine.username COLLATE NOCASE AND other.id <> mine.id
         WHERE mine.id = ? ORDER BY other.id`,
      )
      .all(requestId) as OtherRequest[];
    return { sameDocument, sameUsername };
  }

  /** The customer's other requests: from the same address or for the same username. */
  otherRequestsOf(requestId: number): (OtherRequest & { receivedAt: string })[] {
    return this.db
      .prepare(
        // Two lookups joined, not one OR: SQLite would answer the OR by reading the whole queue.
        `SELECT other.reference, other.status, other.email, other.username, other.received_at AS receivedAt FROM requests other
         WHERE other.id <> @id AND other.id IN (
           SELECT id FROM requests WHERE email = (SELECT email FROM requests WHERE id = @id)
           UNION SELECT id FROM requests WHERE username = (SELECT username FROM requests WHERE id = @id) COLLATE NOCASE)
         ORDER BY other.received_at`,
      )
      .all({ id: requestId }) as (OtherRequest & { receivedAt: string })[];
  }

  idOf(reference: string): number | null {
    return (this.db.prepare('SELECT id FROM requests WHERE reference = ?').pluck().get(reference) as number | undefined) ?? null;
  }

  /** The whole queue's count per status, whatever a listing filters. */
  counts(): Record<RequestStatus, number> {
    return keptCounts(this.db);
  }

  /** How many requests are assigned to this staff member, by the assignee index. */
  assignedCount(staffName: string): number {
    return this.db.prepare('SELECT count(*) FROM requests WHERE assigned_to = ?').pluck().get(staffName.normalize('NFC')) as number;
  }

  bodyText(reference: string): string | null {
    return (this.db.prepare('SELECT body_text FROM requests WHERE reference = ?').pluck().get(reference) as string | undefined) ?? null;
  }

  recordEvent(reference: string, actor: string, type: EventType, detail: Record<string, unknown>): void {
    const id = this.db.prepare('SELECT id FROM requests WHERE reference = ?').pluck().get(reference) as number;
    this.events.append({ requestId: id }, actor, type, detail);
  }
}
