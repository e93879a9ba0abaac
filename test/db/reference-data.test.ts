import { randomBytes } from 'node:crypto';
import knex, { type Knex } from 'knex';
import { defaultSlaPolicies } from '../../config/sla-defaults';
import { migrateLatest, migrateRollbackAll } from '../../db/connection';
import { getCalendarOverride, listCalendarOverrides, putCalendarOverride } from '../../db/queries/calendar';
import { getCategory, listCategories, proposeUnits } from '../../db/queries/categories';
import {
  ancestorsOf,
  cityOf,
  escalationTiersOf,
  findStreetOf,
  getJurisdiction,
  isWithin,
  listJurisdictions,
  subtreeIds,
} from '../../db/queries/jurisdictions';
import { getSlaPolicy, listSlaPolicies, putSlaPolicy } from '../../db/queries/sla-policies';
import { getUnits, listUnits } from '../../db/queries/units';
import {
  createUser,
  disableUser,
  findUserByToken,
  getUserByUsername,
  issueToken,
  revokeToken,
  UserInputError,
} from '../../db/queries/users';
import { demo, seedDemoCity } from '../../db/seeds/demo-city';

// The run's database is shared with other test files: nothing here drops tables, edits SLA policies or the
// calendar, or relies on whole-table user counts. Writes that would disturb others go to a private schema.
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('DATABASE_URL must point at a migrated database (the jest global setup sets it)');

const suffix = randomBytes(4).toString('hex');
const uniqueName = (base: string) => `${base}-${suffix}`;

let db: Knex;

beforeAll(() => {
  db = knex({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 4 } });
});

afterAll(async () => {
  await db.destroy();
});

/** Rows the seed owns, in a stable order, for before/after comparison. */
async function seededSnapshot(conn: Knex) {
  const demoUsernames = Object.values(demo.users);
  return {
    jurisdictions: await conn('jurisdictions').orderBy('id'),
    units: await conn('units').orderBy('id'),
    categories: await conn('categories').orderBy('id'),
    responsibilities: await conn('responsibilities').orderBy('id'),
    slaClasses: (await conn('sla_policies').select('sla_class').orderBy('sla_class')).map((r) => r.sla_class),
    users: await conn('users')
      .whereIn('username', demoUsernames)
      .select('id', 'username', 'display_name', 'role', 'jurisdiction_id', 'unit_id', 'created_at')
      .orderBy('username'),
  };
}

describe('demo city seed', () => {
  it('when seeded again, then nothing changes', async () => {
    await seedDemoCity(db);
    const before = await seededSnapshot(db);
    await seedDemoCity(db);
    await seedDemoCity(db);
    const after = await seededSnapshot(db);

    expect(after).toEqual(before);
    expect(before.users).toHaveLength(Object.keys(demo.users).length);
    expect(before.slaClasses).toEqual(['complex', 'general', 'urgent', 'utility']);
  });

  it('when the tree is read, then every level hangs under the level above and paths extend the parent path', async () => {
    const nodes = await listJurisdictions(db);
    const byId = new Map(nodes.map((j) => [j.id, j]));
    const parentLevel = { community: ['street'], grid: ['community'], street: ['city', 'district'], district: ['city'] };

    expect(nodes.filter((j) => j.parentId === null).map((j) => j.id)).toEqual([demo.cityId]);
    for (const node of nodes) {
      if (node.parentId === null) {
        expect(node.path).toBe(`/${node.id}/`);
        continue;
      }
      const parent = byId.get(node.parentId);
      expect(parent).toBeDefined();
      expect(parentLevel[node.level as keyof typeof parentLevel]).toContain(parent!.level);
      expect(node.path).toBe(`${parent!.path}${node.id}/`);
    }
    for (const streetId of Object.values(demo.streets)) {
      expect(nodes.filter((j) => j.parentId === streetId && j.level === 'community').length).toBeGreaterThanOrEqual(2);
    }
    expect(byId.get(demo.communities.yanyu)?.name).toBe('岩峪村');
    expect(byId.get(demo.grids.xiaochi1)?.name).toBe('小池社区第一网格');
  });

  it('when the units and categories are listed, then the article’s units and categories are there in Chinese', async () => {
    const units = await listUnits(db);
    expect(units.map((u) => u.id)).toEqual(expect.arrayContaining(Object.values(demo.units)));
    const [mobile, cable] = await getUnits(db, [demo.units.mobile, demo.units.cable]);
    expect(mobile).toMatchObject({ shortName: '移动', kind: 'telecom', jurisdictionId: demo.cityId, active: true });
    expect(cable?.name).toBe('豫广网络林州分公司');

    const categories = await listCategories(db);
    expect(categories.map((x) => x.id)).toEqual(expect.arrayContaining(Object.values(demo.categories)));
    expect(await getCategory(db, demo.categories.heating)).toMatchObject({ name: '供暖不热', slaClass: 'utility' });
    expect(await getCategory(db, demo.categories.safetyHazard)).toMatchObject({ slaClass: 'urgent' });
    expect(await getCategory(db, 'no-such-category')).toBeNull();
  });
});

describe('jurisdiction queries', () => {
  it('when asked for ancestors, then they run from the node up to the city', async () => {
    const chain = await ancestorsOf(db, demo.grids.yanyu1);
    expect(chain.map((j) => j.id)).toEqual([demo.grids.yanyu1, demo.communities.yanyu, demo.streets.donggang, demo.cityId]);
    expect(await ancestorsOf(db, 'nowhere')).toEqual([]);
  });

  it('when escalating from a community, then street and city are found', async () => {
    expect((await findStreetOf(db, demo.communities.xiaochi))?.name).toBe('开元街道');
    expect((await findStreetOf(db, demo.grids.xiaochi2))?.id).toBe(demo.streets.kaiyuan);
    expect((await cityOf(db, demo.communities.yanyu))?.name).toBe('林州市');
    expect(await findStreetOf(db, demo.cityId)).toBeNull();
    const tiers = await escalationTiersOf(db, demo.grids.longshan1);
    expect([tiers.community?.name, tiers.street?.name, tiers.city?.name]).toEqual(['龙山社区', '龙山街道', '林州市']);
  });

  it('when checking scope, then a node is within itself and its ancestors only', async () => {
    expect(await isWithin(db, demo.communities.xiaochi, demo.streets.kaiyuan)).toBe(true);
    expect(await isWithin(db, demo.communities.xiaochi, demo.communities.xiaochi)).toBe(true);
    expect(await isWithin(db, demo.communities.xiaochi, demo.cityId)).toBe(true);
    expect(await isWithin(db, demo.communities.xihuayuan, demo.streets.kaiyuan)).toBe(false);
    expect(await isWithin(db, demo.streets.kaiyuan, demo.communities.xiaochi)).toBe(false);
    expect(await isWithin(db, 'nowhere', demo.cityId)).toBe(false);

    const kaiyuan = await subtreeIds(db, demo.streets.kaiyuan);
    expect(kaiyuan).toEqual(
      expect.arrayContaining([demo.streets.kaiyuan, demo.communities.xiaochi, demo.communities.wayao, demo.grids.xiaochi1]),
    );
    expect(kaiyuan).not.toContain(demo.communities.xihuayuan);
    expect(await subtreeIds(db, 'nowhere')).toEqual([]);
    expect((await getJurisdiction(db, demo.communities.xiaochi))?.path).toBe('/410581/410581001/410581001001/');
  });
});

describe('proposeUnits (权责清单)', () => {
  it('when cables sag at 岩峪村, then 移动 leads and the other three operators cooperate', async () => {
    const proposal = await proposeUnits(db, demo.categories.cableSagging, demo.communities.yanyu);
    expect(proposal.lead).toBe(demo.units.mobile);
    expect(proposal.cooperating).toHaveLength(3);
    expect([...proposal.cooperating].sort()).toEqual([demo.units.cable, demo.units.telecom, demo.units.unicom].sort());
    // A grid inside the village gets the same answer.
    expect(await proposeUnits(db, demo.categories.cableSagging, demo.grids.yanyu1)).toEqual(proposal);
  });

  it('when a town has its own list, then it replaces the city-wide one there and only there', async () => {
    expect(await proposeUnits(db, demo.categories.streetLight, demo.communities.yanyu)).toEqual({
      lead: demo.units.power,
      cooperating: [demo.units.urban],
    });
    expect(await proposeUnits(db, demo.categories.streetLight, demo.communities.xiaochi)).toEqual({
      lead: demo.units.urban,
      cooperating: [demo.units.power],
    });
  });

  it('when nothing is listed or an id is unknown, then no unit is proposed', async () => {
    const none = { lead: null, cooperating: [] };
    expect(await proposeUnits(db, demo.categories.policyConsultation, demo.communities.xiaochi)).toEqual(none);
    expect(await proposeUnits(db, 'no-such-category', demo.communities.xiaochi)).toEqual(none);
    expect(await proposeUnits(db, demo.categories.heating, 'nowhere')).toEqual(none);
  });
});

describe('users and tokens', () => {
  it('when a token is issued, then it finds its user until it is revoked', async () => {
    const user = await createUser(db, {
      username: uniqueName('Ref-Dispatcher'),
      displayName: '测试调度员',
      role: 'dispatcher',
      jurisdictionId: demo.communities.xiaochi,
    });
    expect(user.username).toBe(uniqueName('ref-dispatcher'));
    expect((await getUserByUsername(db, uniqueName('REF-DISPATCHER')))?.id).toBe(user.id);

    const issued = await issueToken(db, user.id, { label: 'test' });
    expect(issued.token).toMatch(/^jsu_[A-Za-z0-9_-]{43}$/);
    expect(issued.expiresAt).toBeNull();
    const stored = await db('api_tokens').where({ id: issued.tokenId }).first();
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.token_hash).not.toContain(issued.token.slice(4));

    const found = await findUserByToken(db, issued.token);
    expect(found).toEqual({
      id: user.id,
      username: user.username,
      displayName: '测试调度员',
      role: 'dispatcher',
      jurisdictionId: demo.communities.xiaochi,
      jurisdictionPath: '/410581/410581001/410581001001/',
      unitId: null,
      tokenId: issued.tokenId,
    });

    expect(await findUserByToken(db, `${issued.token.slice(0, -1)}x`)).toBeNull();
    expect(await findUserByToken(db, issued.token.slice(4))).toBeNull();
    expect(await findUserByToken(db, '')).toBeNull();

    expect(await revokeToken(db, issued.tokenId)).toBe(true);
    expect(await revokeToken(db, issued.tokenId)).toBe(false);
    expect(await findUserByToken(db, issued.token)).toBeNull();
  });

  it('when a token has expired or its user is disabled, then it finds nobody', async () => {
    const user = await createUser(db, {
      username: uniqueName('ref-liaison'),
      displayName: '测试联络员',
      role: 'liaison',
      unitId: demo.units.mobile,
    });
    const expired = await issueToken(db, user.id, { expiresAt: new Date(Date.now() - 1000) });
    expect(await findUserByToken(db, expired.token)).toBeNull();

    const live = await issueToken(db, user.id, { expiresAt: new Date(Date.now() + 3_600_000) });
    expect(await findUserByToken(db, live.token)).toMatchObject({ role: 'liaison', unitId: demo.units.mobile, jurisdictionPath: null });

    expect(await disableUser(db, user.id)).toBe(true);
    expect(await findUserByToken(db, live.token)).toBeNull();
  });

  it('when a token is used twice within a minute, then last_used_at is written once', async () => {
    const user = await createUser(db, {
      username: uniqueName('ref-clerk'),
      displayName: '测试受理员',
      role: 'clerk',
      jurisdictionId: demo.cityId,
    });
    const { token, tokenId } = await issueToken(db, user.id);
    const lastUsed = async () => (await db('api_tokens').where({ id: tokenId }).first()).last_used_at as Date | null;
    expect(await lastUsed()).toBeNull();
    await findUserByToken(db, token);
    const first = await lastUsed();
    expect(first).toBeInstanceOf(Date);
    await findUserByToken(db, token);
    expect(await lastUsed()).toEqual(first);
  });

  it('when a liaison has no unit or another role no jurisdiction, then the database refuses the user', async () => {
    await expect(
      db('users').insert({ username: uniqueName('ref-raw-liaison'), display_name: '无单位联络员', role: 'liaison', jurisdiction_id: demo.cityId }),
    ).rejects.toMatchObject({ code: '23514', constraint: 'users_scope_check' });

    await expect(
      createUser(db, { username: uniqueName('ref-no-unit'), displayName: '无单位联络员', role: 'liaison' }),
    ).rejects.toMatchObject({ name: 'UserInputError', code: 'SCOPE_REQUIRED' });
    await expect(
      createUser(db, { username: uniqueName('ref-no-scope'), displayName: '无辖区督办员', role: 'supervisor', unitId: demo.units.urban }),
    ).rejects.toBeInstanceOf(UserInputError);
    await expect(
      createUser(db, { username: uniqueName('ref-bad-unit'), displayName: '联络员', role: 'liaison', unitId: 'unit-nope' }),
    ).rejects.toMatchObject({ code: 'UNKNOWN_UNIT' });
    await expect(createUser(db, { username: 'ADMIN', displayName: '重名', role: 'admin', jurisdictionId: demo.cityId })).rejects.toMatchObject({
      code: 'USERNAME_TAKEN',
    });
  });
});

describe('in a private schema', () => {
  const schema = `ref_test_${suffix}`;
  let scratch: Knex;

  beforeAll(async () => {
    await db.raw('create schema ??', [schema]);
    scratch = knex({ client: 'pg', connection: databaseUrl, searchPath: [schema], pool: { min: 0, max: 2 } });
    await migrateLatest(scratch);
  });

  afterAll(async () => {
    await scratch?.destroy();
    await db.raw('drop schema if exists ?? cascade', [schema]);
  });

  it('when the seed runs over an admin’s SLA edit, then the edit survives', async () => {
    await seedDemoCity(scratch);
    const admin = await getUserByUsername(scratch, 'admin');
    const edited = await putSlaPolicy(
      scratch,
      'general',
      { triage: 'PT10S', respond: 'PT20S', resolve: 'PT1M', callback: 'PT30S', warnAt: 0.5, basis: 'calendar' },
      admin!.id,
    );
    expect(edited).toMatchObject({ slaClass: 'general', resolve: 'PT1M', repeatOverdue: 'P1D', warnAt: 0.5, updatedBy: admin!.id });

    await seedDemoCity(scratch);
    expect(await getSlaPolicy(scratch, 'general')).toEqual(edited);
    expect(await getSlaPolicy(scratch, 'urgent')).toMatchObject({ ...defaultSlaPolicies.urgent, slaClass: 'urgent' });
    expect((await listSlaPolicies(scratch)).map((p) => p.slaClass)).toEqual(['urgent', 'utility', 'general', 'complex']);
  });

  it('when no policy row exists, then the default is in force', async () => {
    await scratch('sla_policies').where({ sla_class: 'complex' }).delete();
    expect(await getSlaPolicy(scratch, 'complex')).toEqual({
      callbackBasis: 'working',
      maxPause: 'P5D',
      ...defaultSlaPolicies.complex,
      slaClass: 'complex',
      updatedAt: null,
      updatedBy: null,
    });
  });

  it('when calendar overrides are written, then they read back as plain dates', async () => {
    await putCalendarOverride(scratch, '2026-02-14', { kind: 'workday', note: '春节调休上班' }, null);
    await putCalendarOverride(scratch, '2026-02-16', { kind: 'holiday' }, null);
    const updated = await putCalendarOverride(scratch, '2026-02-16', { kind: 'holiday', note: '春节' }, null);
    expect(updated).toMatchObject({ date: '2026-02-16', kind: 'holiday', note: '春节' });
    expect(await getCalendarOverride(scratch, '2026-02-14')).toMatchObject({ date: '2026-02-14', kind: 'workday' });
    expect(await getCalendarOverride(scratch, '2026-02-15')).toBeNull();
    expect((await listCalendarOverrides(scratch, '2026-02-14', '2026-02-16')).map((o) => o.date)).toEqual(['2026-02-14', '2026-02-16']);
    expect((await listCalendarOverrides(scratch, '2026-02-15', '2026-02-15'))).toEqual([]);
    await expect(getCalendarOverride(scratch, '2026-02-30')).rejects.toThrow('日期格式无效');
  });

  it('when the migrations are rolled back, then every table is gone and they apply again', async () => {
    await migrateRollbackAll(scratch);
    const left = await db('information_schema.tables')
      .where({ table_schema: schema })
      .whereNot('table_name', 'like', 'knex_migrations%')
      .count<{ count: string }[]>('* as count');
    expect(Number(left[0]!.count)).toBe(0);
    await migrateLatest(scratch);
    await seedDemoCity(scratch);
    expect(await proposeUnits(scratch, demo.categories.utilityPole, demo.communities.wayao)).toEqual({
      lead: demo.units.power,
      cooperating: [demo.units.urban, demo.units.housing, demo.units.mobile, demo.units.unicom, demo.units.telecom],
    });
  });
});
