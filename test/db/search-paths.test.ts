/**
 * Search answers by one of two ways (db/queries/case-lists.ts): sorting the index's candidates, or reading the
 * newest cases until a page is full. Both must give the same pages, equal to a plain filter of the cases, for any
 * phrase, scope and filters; and the index terms (migration 017) must follow a case as its status and units change.
 */
import type { Knex } from 'knex';
import { caseProjection } from '../../activities/projection';
import { createDb } from '../../db/connection';
import { listCases, searchTuning, type CaseFilter, type CaseScope, type SearchTuning } from '../../db/queries/case-lists';
import { saveCaseProjection } from '../../db/queries/cases';
import { demo } from '../../db/seeds/demo-city';
import { openCase, type Assignment, type CaseState, type CaseStatus } from '../../workflows/domain';
import { clerk, domainIntake } from '../domain/fixtures';
import { ownDatabase } from '../support/stack';

let db: Knex;
let drop: () => Promise<void>;
const states = new Map<string, CaseState>();

const words = ['井盖松动', '路灯不亮', '井盖丢失', '水管漏水', '井口无盖'];
const communities = [demo.communities.xiaochi, demo.communities.wayao, demo.communities.xihuayuan, demo.communities.longshan];
const statuses: CaseStatus[] = ['triage', 'dispatched', 'in_progress', 'closed'];
const categories = [demo.categories.manholeCover, demo.categories.streetLight, demo.categories.drainage];
const units = [demo.units.urban, demo.units.water, demo.units.power];
const pathOf = (community: string) => `/${demo.cityId}/${community.slice(0, 9)}/${community}/`;

const assignment = (unitId: string, at: string): Assignment => ({ unitId, role: 'lead', state: 'accepted', active: true, tier: 'community', assignedAt: at });

/** Case i: its words, place, status, category and unit cycle with different periods, so every combination occurs. */
function caseNumber(i: number, version = 3, status?: CaseStatus, unitId?: string): CaseState {
  const createdAt = new Date(Date.parse('2026-01-01T00:00:00Z') + Math.floor(i / 2) * 60_000).toISOString(); // pairs share an instant
  const community = communities[i % 4]!;
  const id = `search-${String(i).padStart(4, '0')}`;
  const base = openCase({ ...domainIntake, id, caseNo: id, title: words[i % 5]!, description: `第${i}号`, category: categories[i % 3]! }, clerk, createdAt).state;
  const s = status ?? statuses[Math.floor(i / 3) % 4]!;
  return {
    ...base,
    version,
    status: s,
    location: { ...base.location, communityId: community, streetId: community.slice(0, 9), cityId: demo.cityId },
    assignments: s === 'triage' ? [] : [assignment(unitId ?? units[Math.floor(i / 7) % 3]!, createdAt)],
  };
}

beforeAll(async () => {
  const own = await ownDatabase();
  drop = own.drop;
  db = createDb(own.url, { max: 4 });
  for (let i = 0; i < 480; i++) {
    const state = caseNumber(i);
    states.set(state.id, state);
    await saveCaseProjection(db, caseProjection({ state, events: [] }));
  }
});
afterAll(async () => {
  await db?.destroy();
  await drop?.();
});

const indexOnly: SearchTuning = { ...searchTuning, fewCandidates: Number.MAX_SAFE_INTEGER, countableList: Number.MAX_SAFE_INTEGER };
const newestFirst: SearchTuning = { ...searchTuning, fewCandidates: -1, countableList: Number.MAX_SAFE_INTEGER, recentWindow: 1_000_000 };
/** The newest cases first, but too few of them to fill a page: the index finishes. */
const windowTooSmall: SearchTuning = { ...newestFirst, recentWindow: 7 };

/** Every page, `limit` at a time, by one way of searching. */
async function allPages(filter: CaseFilter, scope: CaseScope, tuning: SearchTuning, sort: 'newest' | 'due' = 'newest'): Promise<string[]> {
  const ids: string[] = [];
  let cursor = null;
  for (;;) {
    const page = await listCases(db, filter, scope, { limit: 5, sort, cursor }, tuning);
    ids.push(...page.items.map((c) => c.id));
    if (!page.nextCursor) return ids;
    cursor = JSON.parse(Buffer.from(page.nextCursor, 'base64url').toString('utf8'));
  }
}

/** What a search must find: a plain filter of the cases, newest first. */
function expected(phrase: string, filter: CaseFilter, scope: CaseScope): string[] {
  return [...states.values()]
    .filter((c) => `${c.caseNo} ${c.title} ${c.description} ${c.location.address}`.includes(phrase))
    .filter((c) => scope.kind !== 'jurisdiction' || pathOf(c.location.communityId).startsWith(scope.path))
    .filter((c) => scope.kind !== 'unit' || c.assignments.some((a) => a.unitId === scope.unitId))
    .filter((c) => !filter.status || c.status === filter.status)
    .filter((c) => !filter.category || c.category === filter.category)
    .filter((c) => !filter.unitId || c.assignments.some((a) => a.unitId === filter.unitId))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
    .map((c) => c.id);
}

const street: CaseScope = { kind: 'jurisdiction', path: `/${demo.cityId}/${demo.streets.kaiyuan}/` };
const community: CaseScope = { kind: 'jurisdiction', path: pathOf(demo.communities.wayao) };
const cases: [string, CaseFilter, CaseScope][] = [
  ['井盖', {}, { kind: 'all' }],
  ['井盖', {}, street],
  ['井盖', { status: 'dispatched' }, street],
  ['井盖松动', { category: demo.categories.manholeCover }, community],
  ['漏水', { unitId: demo.units.water }, { kind: 'all' }],
  ['路灯', {}, { kind: 'unit', unitId: demo.units.power }],
  ['井', { status: 'closed' }, street],
  ['无此词', {}, street],
];

describe('search, by either way', () => {
  it.each(cases)('q=%s %j in %j: the index and the newest cases give the same pages as a plain filter', async (phrase, filter, scope) => {
    const want = expected(phrase, filter, scope);
    // More than a page wherever there is anything, so that paging and both ways are exercised.
    if (phrase !== '无此词') expect(want.length).toBeGreaterThan(5);
    expect(await allPages({ ...filter, q: phrase }, scope, indexOnly)).toEqual(want);
    expect(await allPages({ ...filter, q: phrase }, scope, newestFirst)).toEqual(want);
    expect(await allPages({ ...filter, q: phrase }, scope, windowTooSmall)).toEqual(want);
    expect(await allPages({ ...filter, q: phrase }, scope, searchTuning)).toEqual(want);
  });

  it('keeps the index terms of a case in step with its status and units', async () => {
    const moved = caseNumber(1, 9, 'in_progress', demo.units.power);
    states.set(moved.id, moved);
    await saveCaseProjection(db, caseProjection({ state: moved, events: [] }));
    const { search_bigrams: terms } = await db('cases').where({ id: moved.id }).first('search_bigrams');
    expect(terms).toEqual(expect.arrayContaining([`@/${demo.cityId}/`, `@${pathOf(moved.location.communityId).replace(/[^/]+\/$/, '')}`, `@${pathOf(moved.location.communityId)}`]));
    expect(terms).toEqual(expect.arrayContaining(['s:in_progress', `k:${moved.category}`, `u:${demo.units.power}`]));
    expect(terms).not.toContain(`s:${statuses[1]}`);
    for (const tuning of [indexOnly, newestFirst, windowTooSmall]) {
      expect(await allPages({ q: moved.title, status: 'in_progress', unitId: demo.units.power }, { kind: 'all' }, tuning)).toEqual(
        expected(moved.title, { status: 'in_progress', unitId: demo.units.power }, { kind: 'all' }),
      );
    }
  });
});
