import * as requests from './001-requests';
import * as mailboxState from './002-mailbox-state';
import * as review from './003-review';
import * as webConsole from './004-console';
import * as triageAndThreads from './005-triage-and-threads';
import * as caseHandling from './006-case-handling';
import * as signInThatHolds from './007-sign-in-that-holds';
import * as outboxLeases from './008-outbox-leases';
import * as vaultKeyFingerprint from './009-vault-key-fingerprint';
import * as staffRoles from './010-staff-roles';
import * as checkSummary from './011-check-summary';
import * as auditChain from './012-audit-chain';
import * as staffLanguage from './013-staff-language';
import * as retention from './014-retention';
import * as documentKeys from './015-document-keys';
import * as searchIndex from './016-search-index';
import * as queueOrderAndCounts from './017-queue-order-and-counts';
import * as oldFilesUpgraded from './018-old-files-upgraded';

/** Applied in order, each once; a new schema change is a new numbered file added here, never an edit. */
export const migrations: { version: number; name: string; sql: string }[] = [
  { version: 1, name: '001-requests', sql: requests.sql },
  { version: 2, name: '002-mailbox-state', sql: mailboxState.sql },
  { version: 3, name: '003-review', sql: review.sql },
  { version: 4, name: '004-console', sql: webConsole.sql },
  { version: 5, name: '005-triage-and-threads', sql: triageAndThreads.sql },
  { version: 6, name: '006-case-handling', sql: caseHandling.sql },
  { version: 7, name: '007-sign-in-that-holds', sql: signInThatHolds.sql },
  { version: 8, name: '008-outbox-leases', sql: outboxLeases.sql },
  { version: 9, name: '009-vault-key-fingerprint', sql: vaultKeyFingerprint.sql },
  { version: 10, name: '010-staff-roles', sql: staffRoles.sql },
  { version: 11, name: '011-check-summary', sql: checkSummary.sql },
  { version: 12, name: '012-audit-chain', sql: auditChain.sql },
  { version: 13, name: '013-staff-language', sql: staffLanguage.sql },
  { version: 14, name: '014-retention', sql: retention.sql },
  { version: 15, name: '015-document-keys', sql: documentKeys.sql },
  { version: 16, name: '016-search-index', sql: searchIndex.sql },
  { version: 17, name: '017-queue-order-and-counts', sql: queueOrderAndCounts.sql },
  { version: 18, name: '018-old-files-upgraded', sql: oldFilesUpgraded.sql },
];
