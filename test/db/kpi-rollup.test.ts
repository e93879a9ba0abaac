/**
 * The KPI fast path (db/queries/kpi-rollup.ts) against a plain recount from the facts: random case histories
 * are projected through `saveCaseProjection` (out of order, repeated, concurrently), then every grouping,
 * scope and kind of period must read the same from the rollup as from the cases; and the incrementally kept
 * rollup must equal one rebuilt from scratch.
 */
import fc from 'fast-check';
import type { Knex } from 'knex';
import { createDb } from '../../db/connection';
import { saveCaseProjection } from '../../db/queries/cases';
import { kpiReport, type KpiGroupBy } from '../../db/queries/kpis';
import { beijingDay, beijingMidnight, contribution, rebuildKpiRollup, rollupCounters, rollupDelta, scopesOf, type KpiSnapshot } from '../../db/queries/kpi-rollup';
import { demo } from '../../db/seeds/demo-city';
import { openCase, type CaseKpiFacts, type CaseState } from '../../workflows/domain';
import { domainIntake, clerk } from '../domain/fixtures';
import { ownDatabase } from '../support/stack';

describe('rollup arithmetic', () => {
  it('counts a case under the city and every jurisdiction above its community', () => {
    expect(scopesOf('/410581/410581001/410581001001/')).toEqual(['', '/410581/', '/410581/410581001/', '/410581/410581001/410581001001/']);
  });

  it('cuts days in Beijing time', () => {
    expect(beijingDay('2026-11-23T15:59:59.999Z')).toBe('2026-11-23');
    expect(beijingDay('2026-11-23T16:00:00.000Z')).toBe('2026-11-24');
    expect(beijingMidnight('2026-11-24').toISOString()).toBe('2026-11-23T16:00:00.000Z');
  });

  const snapshot: KpiSnapshot = {
    dispatchedAt: '2026-11-23T02:00:00Z',
    path: '/c/s/q/',
    streetId: 's',
    communityId: 'q',
    categoryId: 'k',
    tier: 'community',
    leadUnitId: 'u1',
    dispatchedToUnit: true,
    feedbackOnTime: true,
    completedOnTime: false,
    closed: true,
    firstTime: true,
    resolved: true,
    ratingsTotal: 2,
    ratingsSatisfied: 1,
    escalated: false,
    assignments: [
      { unitId: 'u1', respondedInTime: true },
      { unitId: 'u2', respondedInTime: false },
    ],
  };

  it('files the case measures under the lead unit and each assignment under its own unit', () => {
    const c = contribution(snapshot);
    const at = (scope: string, dim: string, key: string) => c.get([scope, dim, '2026-11-23', key].join('\u0000'));
    expect(at('', 'unit', 'u1')).toEqual([1, 1, 1, 0, 1, 1, 1, 2, 1, 0, 1, 1]);
    expect(at('', 'unit', 'u2')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    expect(at('/c/s/', 'street', 's')).toEqual([1, 1, 1, 0, 1, 1, 1, 2, 1, 0, 2, 1]);
    expect(c.size).toBe(4 * 7);
  });

  it('moves nothing when a version changes nothing it counts, and moves the day when the dispatch does', () => {
    expect(rollupDelta(snapshot, { ...snapshot }).size).toBe(0);
    const moved = rollupDelta(snapshot, { ...snapshot, dispatchedAt: '2026-11-24T02:00:00Z' });
    expect([...moved.values()].every((v) => Math.abs(v[0]!) === 1 || v[0] === 0)).toBe(true);
    expect(moved.size).toBe(2 * 4 * 7);
    expect(rollupDelta(null, null).size).toBe(0);
  });
});

describe('rollup against a recount, on random histories', () => {
  let db: Knex;
  let drop: () => Promise<void>;
  let paths: Map<string, string>;
  beforeAll(async () => {
    const own = await ownDatabase();
    drop = own.drop;
    db = createDb(own.url, { max: 6 });
    paths = new Map((await db('jurisdictions').select('id', 'path')).map((r) => [r.id, r.path]));
  });
  afterAll(async () => {
    await db?.destroy();
    await drop?.();
  });

  const communities = Object.values(demo.communities);
  const units = Object.values(demo.units);
  const categories = Object.values(demo.categories);
  const tiersOf = ['community', 'street', 'city'] as const;
  // Five Beijing days from Monday 2026-11-23, 00:00 Beijing.
  const origin = beijingMidnight('2026-11-23').getTime();
  const span = 5 * 86_400_000;

  const version = fc.record({
    community: fc.constantFrom(...communities),
    category: fc.constantFrom(...categories),
    tier: fc.constantFrom(...tiersOf),
    dispatchedAt: fc.option(fc.integer({ min: 0, max: span - 1 }), { nil: null, freq: 5 }),
    lead: fc.option(fc.constantFrom(...units), { nil: null, freq: 4 }),
    flags: fc.array(fc.boolean(), { minLength: 9, maxLength: 9 }),
    ratings: fc.tuple(fc.nat(3), fc.nat(3)),
    assignments: fc.array(fc.record({ unitId: fc.constantFrom(...units), respondedInTime: fc.boolean() }), { maxLength: 3 }),
  });
  // Each case: a few versions, written in a shuffled order (a late retry must change nothing).
  const history = fc.array(version, { minLength: 1, maxLength: 4 }).chain((versions) =>
    fc.shuffledSubarray(versions.map((v, i) => ({ ...v, version: i + 1 })), { minLength: versions.length, maxLength: versions.length }),
  );

  type Version = typeof version extends fc.Arbitrary<infer T> ? T : never;
  function projection(id: string, v: Version & { version: number }, base: CaseState) {
    const [toUnit, feedback, completed, closed, reopened, firstTime, resolved, escalated, nullFeedback] = v.flags as boolean[];
    const state: CaseState = {
      ...base,
      id,
      caseNo: id,
      version: v.version,
      tier: v.tier,
      category: v.category,
      location: { ...base.location, communityId: v.community, streetId: v.community.slice(0, 9), cityId: demo.cityId },
      dispatchedAt: v.dispatchedAt === null ? null : new Date(origin + v.dispatchedAt).toISOString(),
    };
    const facts: CaseKpiFacts = {
      dispatchedAt: state.dispatchedAt,
      dispatchedToUnit: toUnit!,
      leadUnitId: v.lead,
      feedbackOnTime: nullFeedback ? null : feedback!,
      completedOnTime: nullFeedback ? null : completed!,
      closed: closed!,
      reopened: reopened!,
      firstTime: firstTime!,
      resolvedCase: resolved!,
      ratingsTotal: v.ratings[0] + v.ratings[1],
      ratingsSatisfied: v.ratings[0],
      escalated: escalated!,
      assignments: v.assignments.map((a) => ({ ...a, role: 'lead' as const })),
    };
    return { state, facts, alerts: [], events: [] };
  }

  const groupings: KpiGroupBy[] = ['unit', 'street', 'community', 'category', 'tier'];
  const periods = [
    // Whole days only, whole days with ragged ends, inside one day, and one that starts before any case.
    { from: origin + 86_400_000, to: origin + 3 * 86_400_000 },
    { from: origin + 3_600_000 * 7.5, to: origin + 4 * 86_400_000 + 1_234_567 },
    { from: origin + 2 * 86_400_000 + 3_600_000, to: origin + 2 * 86_400_000 + 9 * 3_600_000 },
    { from: origin - 30 * 86_400_000, to: origin + span + 86_400_000 },
  ];

  it('reads the same from the rollup as from the cases, for every grouping, scope and period', async () => {
    const base = openCase({ ...domainIntake, location: { ...domainIntake.location, cityId: demo.cityId } }, clerk, new Date(origin).toISOString()).state;
    const street = paths.get(demo.streets.kaiyuan)!;
    const community = paths.get(demo.communities.xiaochi)!;
    const scopes = [null, paths.get(demo.cityId)!, street, community];
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(history, { minLength: 5, maxLength: 40 }), async (cases) => {
        run += 1;
        await db.raw('truncate cases cascade');
        // Cases written concurrently, each case's versions in its shuffled order.
        await Promise.all(
          cases.map(async (versions, i) => {
            for (const v of versions) await saveCaseProjection(db, projection(`r${run}-${i}`, v, base));
          }),
        );
        for (const period of periods) {
          for (const groupBy of groupings) {
            for (const scope of scopes) {
              const params = { from: new Date(period.from), to: new Date(period.to), groupBy, scope };
              const [fast, recount] = await Promise.all([kpiReport(db, params), kpiReport(db, { ...params, fastPath: false })]);
              expect({ groupBy, scope, period, report: fast }).toEqual({ groupBy, scope, period, report: recount });
            }
          }
        }
        // What the projections kept equals what a rebuild counts from the rows as they stand.
        const kept = await rollupRows(db);
        await rebuildKpiRollup(db, { batch: 7 });
        expect(await rollupRows(db)).toEqual(kept);
      }),
      { numRuns: 6 },
    );
  });

  it('empties with the cases it counts (a restore drill truncates them)', async () => {
    await db.raw('truncate cases cascade');
    expect(await db('kpi_rollup').count({ n: '*' })).toEqual([{ n: '0' }]);
  });
});

/** The rollup's non-zero rows, in key order. */
async function rollupRows(db: Knex) {
  const rows = await db('kpi_rollup').select('scope_path', 'dim', db.raw('day::text as day'), 'gkey', ...rollupCounters).orderBy(['scope_path', 'dim', 'day', 'gkey']);
  return rows.filter((r) => rollupCounters.some((c) => r[c] !== 0));
}
