/**
 * What the bare timer workflow does when its deadline passes, and the bench tables both lateness measures
 * read (created in the bench's own, throwaway database only).
 */
import type { Db } from '../../db/connection';

export const bareTaskQueue = 'bench-bare';

export interface BareActivities {
  recordFired(input: { id: string; due: string }): Promise<void>;
}

export function createBareActivities(db: Db): BareActivities {
  return {
    async recordFired({ id, due }) {
      await db.raw('insert into bench_timer_fired (id, due, fired_at) values (?, ?, clock_timestamp()) on conflict (id) do nothing', [id, due]);
    },
  };
}

/**
 * `bench_timer_fired`: one row per bare timer, stamped when stored. `bench_escalations`: a copy of each
 * `escalated` alert with the instant its row was inserted (the alert's own `at` is the workflow's clock when
 * it looked, not when the alert reached PostgreSQL), written by a trigger so jiesu's code is untouched.
 */
export async function createBenchTables(db: Db): Promise<void> {
  await db.raw(`
    create table if not exists bench_timer_fired (id text primary key, due timestamptz not null, fired_at timestamptz not null);
    create table if not exists bench_escalations (
      alert_id bigint primary key, case_id text not null, deadline timestamptz, at timestamptz not null, stored_at timestamptz not null);
    create index if not exists bench_escalations_case_idx on bench_escalations (case_id);
    create or replace function bench_note_escalation() returns trigger language plpgsql as $$
    begin
      insert into bench_escalations values (new.id, new.case_id, new.deadline, new.at, clock_timestamp()) on conflict do nothing;
      return null;
    end $$;
    drop trigger if exists bench_note_escalation on alerts;
    create trigger bench_note_escalation after insert on alerts for each row when (new.type = 'escalated') execute function bench_note_escalation();
  `);
}
