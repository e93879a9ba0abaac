/**
 * Dynamic config that every Temporal server jiesu starts runs with: the dev server, `npm run topology`, the
 * tests' server and the compose file (docker-compose.yml repeats it in YAML).
 *
 * Eager activities: a case's projection is an activity scheduled by the task that committed the change. The
 * server then hands the activity back in its answer to that task, to the worker that completed it, instead of
 * through a task-queue poll: one matching round trip less for every version of every case.
 */
export const temporalServerSettings: Record<string, unknown> = { 'system.enableActivityEagerExecution': true };

/** The settings as `temporal server start-dev` flags (the value is JSON). */
export const devServerSettingArgs = (values: Record<string, unknown> = temporalServerSettings): string[] =>
  Object.entries(values).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${JSON.stringify(value)}`]);
