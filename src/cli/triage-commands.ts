import type { Config } from '../config';
import { TRIAGE_STATUSES } from '../queue/triage-store';
import type { TriageAction, TriageItem, TriageStatus } from '../triage/triage-service';
import { parseCommandLine, refuse, UsageError, withApp, type Command } from './command-line';
import { terminalSafe } from './terminal-text';

/** `cancel-desk triage …`: unsorted mail, for staff at a terminal. */
export const triageCommands: Record<string, Command> = {
  list: triageListCommand,
  show: triageShowCommand,
  promote: triageActionCommand(null, (by) => ({ kind: 'promote', by })),
  reply: triageActionCommand('message', (by, message) => ({ kind: 'reply', by, message })),
  dismiss: triageActionCommand('reason', (by, reason) => ({ kind: 'dismiss', by, reason })),
};

/** What staff need to sort a mail, without its documents' bytes or vault ids. */
export function triageJson(item: TriageItem) {
  return {
    id: item.id,
    status: item.status,
    from: item.from,
    senderName: item.senderName,
    subject: item.subject,
    receivedAt: item.receivedAt,
    language: item.language,
    senderAuthentication: item.senderAuthentication,
    evidence: item.evidence,
    text: item.ownText || item.bodyText,
  };
}

async function triageListCommand(args: string[], config: Config): Promise<number> {
  const { values } = parseCommandLine({ args, options: { status: { type: 'string' }, json: { type: 'boolean' } } });
  const status = values.status ?? 'open';
  if (status !== 'all' && !(TRIAGE_STATUSES as readonly string[]).includes(status)) throw new UsageError(`triage: --status must be one of ${TRIAGE_STATUSES.join(', ')}, all`);
  return withApp(config, async (app) => {
    const items = app.triage.list(status as TriageStatus | 'all');
    if (values.json) {
      process.stdout.write(`${JSON.stringify(items.map(triageJson))}\n`);
      return 0;
    }
    process.stdout.write('ID\tSTATUS\tRECEIVED\tFROM\tSUBJECT\tEVIDENCE\n');
    for (const item of items) {
      const evidence = item.evidence.map((entry) => entry.signal).join(',') || '-';
      process.stdout.write(`${item.id}\t${item.status}\t${item.receivedAt}\t${item.from}\t${item.subject || '-'}\t${evidence}\n`);
    }
    return 0;
  });
}

async function triageShowCommand(args: string[], config: Config): Promise<number> {
  const { positionals, values } = parseCommandLine({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
  if (positionals.length !== 1 || !/^[1-9]\d*$/.test(positionals[0])) throw new UsageError('triage show <id> [--json]');
  return withApp(config, async (app) => {
    const item = app.triage.find(Number(positionals[0]));
    if (!item) return refuse(`no unsorted mail ${positionals[0]}`);
    const shown = {
      ...triageJson(item),
      fields: item.fields,
      fieldDoubts: item.fieldDoubts,
      reference: item.reference,
      settledBy: item.settledBy,
      settledAt: item.settledAt,
      documents: item.documents.map(({ vaultId: _vaultId, ...metadata }) => metadata),
      bodyText: item.bodyText,
      events: item.events,
    };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(shown)}\n`);
      return 0;
    }
    const lines = [
      `Mail ${item.id} (${item.status}${item.reference ? `, now ${item.reference}` : ''}${item.settledBy ? ` by ${item.settledBy} at ${item.settledAt}` : ''})`,
      `From:     ${item.senderName ? `${item.senderName} <${item.from}>` : item.from} (sender check: ${item.senderAuthentication})`,
      `Subject:  ${item.subject || '-'}`,
      `Received: ${item.receivedAt}`,
      `Evidence: ${item.evidence.map((entry) => `${entry.signal} (${entry.detail})`).join('; ') || 'none'}`,
      ...item.documents.map((document) => `Document ${document.position}: ${document.filename} (${document.contentType}, ${document.size} bytes${document.valid ? '' : `, ${document.problem}`})`),
      '',
      shown.text,
    ];
    process.stdout.write(terminalSafe(`${lines.join('\n')}\n`));
    return 0;
  });
}

/** `triage promote|reply|dismiss`: `textOption` names the text the action needs, if any. */
function triageActionCommand(textOption: 'message' | 'reason' | null, action: (by: string, text: string) => TriageAction): Command {
  return async (args, config) => {
    const options = { by: { type: 'string' as const }, ...(textOption ? { [textOption]: { type: 'string' as const } } : {}) };
    const { positionals, values } = parseCommandLine({ args, allowPositionals: true, options });
    const by = values.by;
    const text = textOption ? (values as Record<string, string | boolean | undefined>)[textOption] : '';
    if (typeof by !== 'string' || positionals.length !== 1 || !/^[1-9]\d*$/.test(positionals[0]) || typeof text !== 'string') {
      throw new UsageError(`triage: name one mail by its id, who acts (--by STAFF)${textOption ? ` and the --${textOption}` : ''}`);
    }
    const id = Number(positionals[0]);
    return withApp(config, async (app) => {
      const outcome = app.triage.act(id, action(by, text));
      if (!outcome.ok) return refuse(outcome.message);
      if (outcome.reference !== null) {
        const request = app.queue.findRequest(outcome.reference)!;
        const acknowledged = request.events.some((event) => event.type === 'mail_queued');
        process.stdout.write(`mail ${id} is now request ${outcome.reference} (${request.status}); ${acknowledged ? 'the acknowledgement is queued' : 'no automatic mail goes to this sender'}\n`);
      } else {
        process.stdout.write(`mail ${id} is ${outcome.item.status}${outcome.item.status === 'replied' ? '; the reply is queued' : ''}\n`);
      }
      return 0;
    });
  };
}
