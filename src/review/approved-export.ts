import { calendarDay } from '../clock';
import type { ApprovedRequest } from '../queue/handoffs';
import { csvLine } from './csv';

export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Approved on `since` (a `YYYY-MM-DD` day in `timeZone`) or later; all of them without one. */
export function approvedSince(approved: ApprovedRequest[], since: string | null, timeZone: string): ApprovedRequest[] {
  return since === null ? approved : approved.filter((request) => calendarDay(new Date(request.decidedAt), timeZone) >= since);
}

/** The same fields the webhook sends, for an account system that takes files instead. */
export function formatApproved(approved: ApprovedRequest[], format: ExportFormat): string {
  if (format === 'json') return `${JSON.stringify(approved, null, 2)}\n`;
  const lines = [
    csvLine(['reference', 'username', 'email', 'decided_by', 'decided_at']),
    ...approved.map((request) => csvLine([request.reference, request.username, request.email, request.decidedBy, request.decidedAt])),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
