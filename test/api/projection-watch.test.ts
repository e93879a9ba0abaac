/**
 * The API answers a case's caller once the version it produced is readable from PostgreSQL (api/projection-watch.ts):
 * woken by the projection's own notice, or by reading the row when no notice comes, and a 503 when the version
 * never arrives. Against the real PostgreSQL, with the projection's real write.
 */
import type { Knex } from 'knex';
import { caseProjection } from '../../activities/projection';
import { ProjectionWatch } from '../../api/projection-watch';
import { createLogger } from '../../config/logger';
import { createDb } from '../../db/connection';
import { getCaseVersion, saveCaseProjection } from '../../db/queries/cases';
import { demo } from '../../db/seeds/demo-city';
import { openCase, type CaseState } from '../../workflows/domain';
import { clerk, domainIntake } from '../domain/fixtures';
import { ownDatabase } from '../support/stack';

let db: Knex;
let url: string;
let drop: () => Promise<void>;
let watch: ProjectionWatch;
const log = createLogger({ level: 'silent', name: 'test' });

beforeAll(async () => {
  const own = await ownDatabase();
  ({ url, drop } = own);
  db = createDb(url, { max: 4 });
  watch = new ProjectionWatch(db, url, log);
  // Listening before the first test: a waiter reads the row every 20 ms until then, which would hide the notice.
  await project(stateOf('watch-0', 1));
  await watch.reached('watch-0', 1, Date.now() + 10_000);
  for (let i = 0; i < 100 && !watch.listening; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(watch.listening).toBe(true);
});
afterAll(async () => {
  watch?.close();
  await db?.destroy();
  await drop?.();
});

const community = demo.communities.xiaochi;
const stateOf = (id: string, version: number): CaseState => {
  const base = openCase({ ...domainIntake, id, caseNo: id }, clerk, '2026-11-29T08:00:00.000Z').state;
  return { ...base, version, location: { ...base.location, communityId: community, streetId: community.slice(0, 9), cityId: demo.cityId } };
};
const project = (state: CaseState) => saveCaseProjection(db, caseProjection({ state, events: [] }));
const settledWithin = async (p: Promise<unknown>, ms: number): Promise<boolean> =>
  Promise.race([p.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms))]);

it('answers once the projection writes the version, not before', async () => {
  await project(stateOf('watch-1', 1));
  const started = Date.now();
  const waiting = watch.reached('watch-1', 3, started + 10_000);
  await project(stateOf('watch-1', 2));
  // Past the waiter's own read of the row at 200 ms, which found version 2; its next is at 400 ms.
  expect(await settledWithin(waiting, 250 - (Date.now() - started))).toBe(false);
  await project(stateOf('watch-1', 3));
  // Woken by the notice, before the waiter would read the row again.
  expect(await settledWithin(waiting, Math.max(0, 380 - (Date.now() - started)))).toBe(true);
  expect(await getCaseVersion(db, 'watch-1')).toBe(3);
});

it('answers at once for a version it already heard announced, later ones included', async () => {
  await project(stateOf('watch-2', 5));
  await project(stateOf('watch-2', 6));
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await settledWithin(watch.reached('watch-2', 6, Date.now() + 10_000), 20)).toBe(true);
});

it('finds a version written without a notice (one missed while the listener was away) by reading the row', async () => {
  await project(stateOf('watch-3', 1));
  const waiting = watch.reached('watch-3', 2, Date.now() + 10_000);
  await db('cases').where({ id: 'watch-3' }).update({ version: 2 });
  expect(await settledWithin(waiting, 2_000)).toBe(true);
});

it('answers 503 when the version is not written by the deadline', async () => {
  await project(stateOf('watch-4', 1));
  await expect(watch.reached('watch-4', 2, Date.now() + 300)).rejects.toMatchObject({ status: 503 });
});
