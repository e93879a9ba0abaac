/**
 * All of a round's checks, in the order the issue lists them. Pure: the ledger, the fault timeline and what
 * was read back from PostgreSQL and Temporal go in, the table comes out (test/stack/drill-verify.test.ts).
 */
import type { CheckResult } from './check';
import type { DrillPolicy, FaultWindow, Ledger, Observation } from './records';
import { acceptedCasesExist, decisionsAppliedOnce, noDuplicates, projectionMatches } from './verify-cases';
import { deadlinesFired, escalatedOnce } from './verify-deadlines';
import { timersOnTime } from './verify-lateness';

export interface VerifyInput {
  ledger: Ledger;
  observation: Observation;
  policy: DrillPolicy;
  faults: FaultWindow[];
  /** Deadlines due within this long before a case was read may still be on their way. */
  graceMs: number;
  /** How late a timer may fire outside an outage (and after one ends); the grace when absent. */
  lateSlackMs?: number;
}

export interface Verdict {
  checks: CheckResult[];
  ok: boolean;
}

export function verifyRound(input: VerifyInput): Verdict {
  const { ledger, observation: seen } = input;
  const checks = [
    acceptedCasesExist(ledger, seen),
    noDuplicates(ledger, seen),
    deadlinesFired(seen, input.policy, input.faults, input.graceMs),
    timersOnTime(seen, input.faults, input.lateSlackMs ?? input.graceMs),
    escalatedOnce(seen, input.faults),
    projectionMatches(seen),
    decisionsAppliedOnce(ledger, seen),
  ];
  return { checks, ok: checks.every((c) => c.failures.length === 0) };
}
