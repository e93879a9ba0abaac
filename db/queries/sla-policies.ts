import type { Knex } from 'knex';
import { defaultMaxPause, defaultSlaPolicies, type SlaBasis, type SlaClass, type SlaPolicy, slaClasses } from '../../config/sla-defaults';

/** A policy as stored; `updatedAt` is null when no row exists and the built-in default is in force. */
export interface SlaPolicyRecord extends SlaPolicy {
  slaClass: SlaClass;
  updatedAt: Date | null;
  updatedBy: string | null;
}

/** What an admin sends; a missing `repeatOverdue` takes the class default (the API marks it optional). */
export type SlaPolicyInput = Omit<SlaPolicy, 'repeatOverdue'> & { repeatOverdue?: string | null };

interface SlaPolicyRow {
  sla_class: SlaClass;
  triage: string;
  respond: string;
  resolve: string;
  callback: string;
  repeat_overdue: string;
  warn_at: string; // numeric comes back from pg as a string
  basis: SlaBasis;
  callback_basis: SlaBasis;
  max_pause: string;
  updated_at: Date;
  updated_by: string | null;
}

const columns = [
  'sla_class',
  'triage',
  'respond',
  'resolve',
  'callback',
  'repeat_overdue',
  'warn_at',
  'basis',
  'callback_basis',
  'max_pause',
  'updated_at',
  'updated_by',
];

function toRecord(row: SlaPolicyRow): SlaPolicyRecord {
  return {
    slaClass: row.sla_class,
    triage: row.triage,
    respond: row.respond,
    resolve: row.resolve,
    callback: row.callback,
    repeatOverdue: row.repeat_overdue,
    warnAt: Number(row.warn_at),
    basis: row.basis,
    callbackBasis: row.callback_basis,
    maxPause: row.max_pause,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}

function fromDefault(slaClass: SlaClass): SlaPolicyRecord {
  return { callbackBasis: 'working', maxPause: defaultMaxPause, ...defaultSlaPolicies[slaClass], slaClass, updatedAt: null, updatedBy: null };
}

/**
 * The policy in force for a class: the stored row, or the built-in default when none was stored, so a
 * deadline can always be computed even on a database nobody seeded.
 */
export async function getSlaPolicy(db: Knex, slaClass: SlaClass): Promise<SlaPolicyRecord> {
  const row: SlaPolicyRow | undefined = await db('sla_policies').select(columns).where({ sla_class: slaClass }).first();
  return row ? toRecord(row) : fromDefault(slaClass);
}

/** Every class, in the order of `slaClasses`, defaults filling any gap. */
export async function listSlaPolicies(db: Knex): Promise<SlaPolicyRecord[]> {
  const rows: SlaPolicyRow[] = await db('sla_policies').select(columns);
  const byClass = new Map(rows.map((r) => [r.sla_class, toRecord(r)]));
  return slaClasses.map((c) => byClass.get(c) ?? fromDefault(c));
}

/** Replaces a class's policy (insert or update) and returns what is now stored. */
export async function putSlaPolicy(
  db: Knex,
  slaClass: SlaClass,
  policy: SlaPolicyInput,
  updatedBy: string | null,
): Promise<SlaPolicyRecord> {
  const values = {
    triage: policy.triage,
    respond: policy.respond,
    resolve: policy.resolve,
    callback: policy.callback,
    repeat_overdue: policy.repeatOverdue ?? defaultSlaPolicies[slaClass].repeatOverdue,
    warn_at: policy.warnAt,
    basis: policy.basis,
    callback_basis: policy.callbackBasis ?? 'working',
    max_pause: policy.maxPause ?? defaultMaxPause,
    updated_at: db.fn.now(),
    updated_by: updatedBy,
  };
  const [row]: SlaPolicyRow[] = await db('sla_policies')
    .insert({ sla_class: slaClass, ...values })
    .onConflict('sla_class')
    .merge(values)
    .returning(columns);
  return toRecord(row!);
}
