import type { HandoffState } from './handoffs';
import type { CancellationRequest } from './request-queue';

/**
 * The JSON face of a request for staff tools: document metadata only, never vault ids or bytes.
 * `handoff` is null until an approval is handed to the account system.
 */
export function requestJson(request: CancellationRequest, handoff: HandoffState | null) {
  return {
    reference: request.reference,
    status: request.status,
    email: request.email,
    senderName: request.senderName,
    language: request.language,
    fields: request.fields,
    problems: request.problems,
    senderAuthentication: request.senderAuthentication,
    subject: request.subject,
    receivedAt: request.receivedAt,
    updatedAt: request.updatedAt,
    dueDate: request.dueDate,
    unreadSince: request.unreadSince,
    assignedTo: request.assignedTo,
    closedAt: request.closedAt,
    closedBy: request.closedBy,
    evidence: request.evidence,
    fieldDoubts: request.fieldDoubts,
    idDocuments: request.idDocuments.map(({ vaultId: _vaultId, ...metadata }) => metadata),
    messages: request.messages,
    handoff,
    events: request.events,
  };
}
