/** The last intake cycle's end, as the health check judges it. */
export interface IntakeCycle {
  finishedAt: Date;
  succeeded: boolean;
}

export type HealthReason = 'no_intake_cycle_yet' | 'last_intake_cycle_failed' | 'last_intake_cycle_too_old' | 'database_not_writable' | 'sending_paused' | 'mail_token_failed';

export type HealthReport = { status: 'ok' } | { status: 'unhealthy'; reasons: HealthReason[] };

export interface HealthFacts {
  lastCycle: IntakeCycle | null;
  now: Date;
  maxCycleAgeMs: number;
  databaseWritable: boolean;
  sendingPaused: boolean;
  /** The last attempt to get an OAuth2 access token for the mailbox failed (false with passwords). */
  mailTokenFailing: boolean;
}

/** Healthy only when mail is being read (a recent successful cycle), can be recorded and can be answered. */
export function judgeHealth(facts: HealthFacts): HealthReport {
  const reasons: HealthReason[] = [];
  if (facts.lastCycle === null) reasons.push('no_intake_cycle_yet');
  else if (!facts.lastCycle.succeeded) reasons.push('last_intake_cycle_failed');
  else if (facts.now.getTime() - facts.lastCycle.finishedAt.getTime() > facts.maxCycleAgeMs) reasons.push('last_intake_cycle_too_old');
  if (!facts.databaseWritable) reasons.push('database_not_writable');
  if (facts.sendingPaused) reasons.push('sending_paused');
  if (facts.mailTokenFailing) reasons.push('mail_token_failed');
  return reasons.length === 0 ? { status: 'ok' } : { status: 'unhealthy', reasons };
}
