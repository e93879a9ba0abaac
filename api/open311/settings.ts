import { envSchema } from '../../config/env';
import type { Open311Settings } from './router';

const open311Env = envSchema.pick({ OPEN311_JURISDICTION_ID: true, OPEN311_PUBLISH: true, OPEN311_RATE_LIMIT_PER_MINUTE: true });

/**
 * The Open311 settings: what the caller gave, else the environment (OPEN311_JURISDICTION_ID, OPEN311_PUBLISH,
 * OPEN311_RATE_LIMIT_PER_MINUTE, validated at start-up with the rest of config/env.ts), else the defaults.
 */
export function open311Settings(given: Partial<Open311Settings> | undefined, readsPerMinute: number, source: NodeJS.ProcessEnv = process.env): Open311Settings {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([k, v]) => k.startsWith('OPEN311_') && v !== ''));
  const parsed = open311Env.safeParse(cleaned);
  const env = parsed.success ? parsed.data : open311Env.parse({});
  return {
    jurisdictionId: env.OPEN311_JURISDICTION_ID ?? null,
    publish: env.OPEN311_PUBLISH,
    postsPerMinute: env.OPEN311_RATE_LIMIT_PER_MINUTE,
    readsPerMinute,
    ...given,
  };
}
