/**
 * The round's data: the demo city migrated and seeded into the drill's own database, a token per drill
 * user, and an SLA policy counted in seconds (set through the API, as an admin would) so that deadlines
 * pass, and cases climb, while parts are down.
 */
import { createDb, migrateLatest } from '../../db/connection';
import { seedDemoCity } from '../../db/seeds/demo-city';
import { getUserByUsername, issueToken } from '../../db/queries/users';
import { slaClasses } from '../../config/sla-defaults';
import { createDatabase, databaseOf } from '../stack/pg-admin';
import type { DrillClient } from './client';
import type { DrillPolicy } from './records';

/** Elapsed seconds: community → street after 20 s, street → city after 20 s more; resolve and callback short too. */
export const drillPolicy: DrillPolicy = { triage: 20, respond: 20, resolve: 45, callback: 30 };

export async function prepareDatabase(url: string, usernames: string[]): Promise<Map<string, string>> {
  await createDatabase(url, databaseOf(url));
  const db = createDb(url, { max: 2 });
  try {
    await migrateLatest(db);
    await seedDemoCity(db);
    const tokens = new Map<string, string>();
    for (const username of usernames) {
      const user = await getUserByUsername(db, username);
      if (!user) throw new Error(`演示数据中没有用户 ${username} (no such demo user)`);
      tokens.set(username, (await issueToken(db, user.id, { label: 'drill' })).token);
    }
    return tokens;
  } finally {
    await db.destroy();
  }
}

/** Every class gets the drill's policy, so whichever class a category falls in, its clocks run in seconds. */
export async function setDrillPolicy(client: DrillClient, policy: DrillPolicy): Promise<void> {
  const body = {
    triage: `PT${policy.triage}S`,
    respond: `PT${policy.respond}S`,
    resolve: `PT${policy.resolve}S`,
    callback: `PT${policy.callback}S`,
    // Long enough that a case overdue at the city stays still while it is verified.
    repeatOverdue: 'PT1H',
    warnAt: 0.5,
    basis: 'calendar',
    callbackBasis: 'calendar',
    maxPause: 'PT10M',
  };
  for (const slaClass of slaClasses) {
    const answer = await client.send('PUT', `/api/v1/sla-policies/${slaClass}`, 'admin', body, `drill-policy-${slaClass}`);
    if (answer.outcome !== 'accepted') throw new Error(`设置 ${slaClass} 时限策略失败 (PUT policy failed): ${answer.status} ${JSON.stringify(answer.body)}`);
  }
}
