/**
 * docker-compose.yml cannot run where the tests run (no Docker engine), so this reads it as data and checks
 * the wiring a typo would break silently: which services exist, what they run, who points at whom, and in
 * what order they start. The Dockerfile is checked for the parts compose relies on.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { parse } from 'yaml';
import { caseSearchAttributes } from '../../config/search-attributes';
import { loadEnv, requirePayloadKeys } from '../../config/env';
import { newPayloadKeySetting } from '../../config/payload-codec';

const root = resolve(__dirname, '../..');
const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
const dockerfileText = readFileSync(join(root, 'Dockerfile'), 'utf8');

type Service = {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  ports?: unknown[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  restart?: string;
};
type Compose = { services: Record<string, Service>; volumes?: Record<string, unknown> };

// Compose resolves `<<` merge keys (YAML 1.1); the file uses them to share settings between services.
const compose = parse(composeText, { merge: true }) as Compose;
const services = compose.services;
const names = Object.keys(services);

const API_CMD = 'dist/api/server.js';
const WORKER_CMD = 'dist/worker/main.js';
const CLI_CMD = 'dist/scripts/cli.js';
const READY_CONDITIONS = ['service_healthy', 'service_completed_successfully'];

/** Secrets without a safe default: compose must refuse to start without them (`${NAME:?message}`). */
const REQUIRED = ['PAYLOAD_KEYS'];
/** What an operator sets for them; everything else is unset. */
const operatorSets: Record<string, string> = { PAYLOAD_KEYS: `${newPayloadKeySetting('k2')},${newPayloadKeySetting('k1')}` };

/**
 * Applies compose interpolation the way a fresh machine would see it: every variable unset, so defaults win,
 * except the required secrets, which the operator sets.
 */
function interpolate(value: string): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-?])([^}]*))?\}/g, (whole, name, kind, rest) => {
    if (whole === '$$') return '$';
    if (kind === '?') {
      if (operatorSets[name] === undefined) throw new Error(`compose would refuse to start: ${name} is required`);
      return operatorSets[name];
    }
    return kind === '-' ? rest : '';
  });
}

function envOf(service: Service): Record<string, string> {
  const raw = service.environment ?? {};
  const pairs: [string, string][] = Array.isArray(raw)
    ? raw.map((line) => {
        const eq = line.indexOf('=');
        return eq < 0 ? [line, ''] : [line.slice(0, eq), line.slice(eq + 1)];
      })
    : Object.entries(raw).map(([k, v]) => [k, v == null ? '' : String(v)]);
  return Object.fromEntries(pairs.map(([k, v]) => [k, interpolate(v)]));
}

function dependsOn(service: Service): Record<string, string> {
  const raw = service.depends_on ?? {};
  if (Array.isArray(raw)) return Object.fromEntries(raw.map((n) => [n, 'service_started']));
  return Object.fromEntries(Object.entries(raw).map(([n, v]) => [n, v?.condition ?? 'service_started']));
}

function commandText(service: Service): string {
  const part = (p: string | string[] | undefined) => (Array.isArray(p) ? p.join(' ') : (p ?? ''));
  return `${part(service.entrypoint)} ${part(service.command)}`;
}

/** Every string in the parsed document, so comments (which compose ignores) are not inspected. */
function allStrings(node: unknown, out: string[] = []): string[] {
  if (typeof node === 'string') out.push(node);
  else if (Array.isArray(node)) node.forEach((n) => allStrings(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      out.push(k);
      allStrings(v, out);
    }
  }
  return out;
}

const appServices = names.filter((n) => services[n]!.build !== undefined);
const workerServices = names.filter((n) => commandText(services[n]!).includes(WORKER_CMD));
const apiEnv = envOf(services.api ?? {});

/** Maps a compiled path under tsconfig's outDir back to the TypeScript source it comes from. */
function sourceOf(compiled: string): string {
  const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: { outDir: string; rootDir: string };
  };
  const outDir = posix.normalize(tsconfig.compilerOptions.outDir);
  const rel = posix.relative(outDir, posix.normalize(compiled));
  expect(rel.startsWith('..')).toBe(false);
  return posix.join(tsconfig.compilerOptions.rootDir, rel.replace(/\.js$/, '.ts'));
}

/** The Dockerfile's instructions per stage, with `\` continuations joined and comments dropped. */
function dockerfileStages(): { from: string; instructions: { op: string; args: string }[] }[] {
  const logical = dockerfileText
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: { from: string; instructions: { op: string; args: string }[] }[] = [];
  for (const line of logical) {
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (op.toUpperCase() === 'FROM') stages.push({ from: args, instructions: [] });
    else stages.at(-1)?.instructions.push({ op: op.toUpperCase(), args });
  }
  return stages;
}

describe('docker-compose.yml', () => {
  it('has the services of the production-shaped topology', () => {
    for (const name of ['postgres', 'temporal', 'temporal-admin-tools', 'temporal-ui', 'migrate', 'api', 'worker-1', 'worker-2']) {
      expect(names).toContain(name);
    }
  });

  it('builds the API, the workers and the migration job from the repository Dockerfile', () => {
    for (const name of ['api', 'worker-1', 'worker-2', 'migrate']) {
      const build = services[name]!.build;
      expect(build).toBeDefined();
      const context = typeof build === 'string' ? build : build?.context;
      const dockerfile = typeof build === 'string' ? 'Dockerfile' : (build?.dockerfile ?? 'Dockerfile');
      expect(posix.normalize(context ?? '')).toBe('.');
      expect(dockerfile).toBe('Dockerfile');
    }
  });

  it('runs exactly two workers, each with the worker command and the API\'s namespace and task queue', () => {
    expect(workerServices.sort()).toEqual(['worker-1', 'worker-2']);
    for (const name of workerServices) {
      const env = envOf(services[name]!);
      expect(env.TEMPORAL_NAMESPACE).toBe(apiEnv.TEMPORAL_NAMESPACE);
      expect(env.TEMPORAL_TASK_QUEUE).toBe(apiEnv.TEMPORAL_TASK_QUEUE);
    }
  });

  it('runs one API that publishes a port and listens on all interfaces inside its container', () => {
    const apis = names.filter((n) => commandText(services[n]!).includes(API_CMD));
    expect(apis).toEqual(['api']);
    expect(services.api!.ports?.length ?? 0).toBeGreaterThan(0);
    expect(apiEnv.HOST).toBe('0.0.0.0');
  });

  it('runs migrations and then the seed in a one-shot job that the API and workers wait for', () => {
    const cmd = commandText(services.migrate!);
    const migrateAt = cmd.indexOf(`${CLI_CMD} migrate`);
    const seedAt = cmd.indexOf(`${CLI_CMD} seed`);
    expect(migrateAt).toBeGreaterThanOrEqual(0);
    expect(seedAt).toBeGreaterThan(migrateAt);
    for (const name of ['api', ...workerServices]) {
      expect(dependsOn(services[name]!).migrate).toBe('service_completed_successfully');
    }
  });

  it('gives the app processes an environment that config/env.ts accepts', () => {
    for (const name of appServices) {
      expect(() => loadEnv(envOf(services[name]!))).not.toThrow();
    }
  });

  it('points every DATABASE_URL and TEMPORAL_ADDRESS at a service it waits for to be ready', () => {
    let checked = 0;
    for (const name of names) {
      const env = envOf(services[name]!);
      const deps = dependsOn(services[name]!);
      const hosts: string[] = [];
      if (env.DATABASE_URL) hosts.push(new URL(env.DATABASE_URL).hostname);
      if (env.TEMPORAL_ADDRESS) {
        const match = /^([^:\s]+):(\d+)$/.exec(env.TEMPORAL_ADDRESS);
        expect(match).not.toBeNull();
        hosts.push(match![1]!);
      }
      for (const host of hosts) {
        checked += 1;
        expect({ service: name, host, known: names.includes(host) }).toEqual({ service: name, host, known: true });
        expect({ service: name, host, condition: deps[host] }).toEqual({
          service: name,
          host,
          condition: expect.stringMatching(new RegExp(`^(${READY_CONDITIONS.join('|')})$`)),
        });
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('keeps Temporal\'s persistence on the postgres service', () => {
    const env = envOf(services.temporal!);
    expect(env.DB).toMatch(/^postgres/);
    const seeds = (env.POSTGRES_SEEDS ?? '').split(',').map((s) => s.trim());
    expect(seeds).toContain('postgres');
    expect(services.postgres!.image).toMatch(/^postgres:/);
    expect(READY_CONDITIONS).toContain(dependsOn(services.temporal!).postgres);
  });

  it('points the Temporal UI at the temporal service', () => {
    const address = envOf(services['temporal-ui']!).TEMPORAL_ADDRESS ?? '';
    expect(address.split(':')[0]).toBe('temporal');
    expect(services['temporal-ui']!.image).toMatch(/^temporalio\/ui:/);
  });

  it('names only existing services in depends_on', () => {
    for (const name of names) {
      for (const dep of Object.keys(dependsOn(services[name]!))) {
        expect({ service: name, dependsOn: dep, exists: names.includes(dep) }).toEqual({ service: name, dependsOn: dep, exists: true });
      }
    }
  });

  it('when a service waits for another to be healthy, then that one has a healthcheck', () => {
    for (const name of names) {
      for (const [dep, condition] of Object.entries(dependsOn(services[name]!))) {
        if (condition !== 'service_healthy') continue;
        const hc = services[dep]?.healthcheck;
        expect({ dep, hasHealthcheck: Boolean(hc?.test) && !hc?.disable }).toEqual({ dep, hasHealthcheck: true });
      }
    }
  });

  it('when a service waits for another to complete, then that one is not restarted forever', () => {
    for (const name of names) {
      for (const [dep, condition] of Object.entries(dependsOn(services[name]!))) {
        if (condition !== 'service_completed_successfully') continue;
        expect({ dep, restart: services[dep]?.restart ?? 'no' }).toEqual({ dep, restart: expect.stringMatching(/^(no|on-failure.*)$/) });
      }
    }
  });

  it('registers every case search attribute in the namespace the app uses', () => {
    const admin = services['temporal-admin-tools']!;
    const cmd = commandText(admin);
    expect(cmd).toContain('temporal operator search-attribute create');
    for (const { name, type } of caseSearchAttributes) {
      // Either `--name X --type T` spelled out or a helper called as `X T`.
      expect(cmd).toMatch(new RegExp(`(--name\\s+)?["']?${name}["']?\\s+(--type\\s+)?["']?${type}\\b`));
    }
    // Each --namespace given is the app's namespace, literally or through a variable set in the container.
    const env = envOf(admin);
    const namespaces = [...cmd.matchAll(/--namespace[\s=]+"?(\$?\$?\{?\w+\}?)"?/g)].map((m) => {
      const ref = /^\$\$\{?(\w+)\}?$/.exec(m[1]!);
      return ref ? env[ref[1]!] : m[1];
    });
    expect(namespaces.length).toBeGreaterThan(0);
    expect(new Set(namespaces)).toEqual(new Set([apiEnv.TEMPORAL_NAMESPACE]));
    expect(READY_CONDITIONS).toContain(dependsOn(admin).temporal);
  });

  it('keeps PostgreSQL data in a named volume', () => {
    const mounts = (services.postgres!.volumes ?? []).map((v) =>
      typeof v === 'string' ? { source: v.split(':')[0], target: v.split(':')[1] } : v,
    );
    const data = mounts.find((m) => m.target === '/var/lib/postgresql/data');
    expect(data?.source).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(data!.source);
  });

  it('gives every ${VAR} interpolation a default (or, for a required secret, a message) and leaves no bare $VAR for compose to swallow', () => {
    const problems: string[] = [];
    for (const s of allStrings(compose)) {
      for (let i = 0; i < s.length; i++) {
        if (s[i] !== '$') continue;
        if (s[i + 1] === '$') {
          i += 1; // `$$` is a literal `$` for the container's shell
          continue;
        }
        if (s[i + 1] === '{') {
          const end = s.indexOf('}', i);
          const inner = s.slice(i + 2, end);
          const required = /^([A-Za-z_][A-Za-z0-9_]*):\?.+$/.exec(inner);
          if (required ? !REQUIRED.includes(required[1]!) : !/^[A-Za-z_][A-Za-z0-9_]*:?-.+$/.test(inner)) problems.push(`\${${inner}}`);
          i = end;
        } else if (/[A-Za-z_]/.test(s[i + 1] ?? '')) {
          problems.push(s.slice(i, i + 20));
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('sets passwords only through interpolation, never as literals', () => {
    for (const name of names) {
      const raw = services[name]!.environment ?? {};
      const entries = Array.isArray(raw) ? raw.map((l) => l.split(/=(.*)/s).slice(0, 2)) : Object.entries(raw);
      for (const [key, value] of entries) {
        if (/PASSWORD|PWD/.test(String(key))) expect({ name, key, value }).toEqual({ name, key, value: expect.stringMatching(/^\$\{\w+:-[^}]+\}$/) });
        if (key === 'DATABASE_URL') expect(String(value)).toMatch(/^postgres(ql)?:\/\/(\$\{[^}]+\}|[^:@$]+):\$\{\w+:-[^}]+\}@/);
      }
    }
  });

  it('passes PAYLOAD_KEYS, required and never a literal, to the API and every worker, and to nothing else', () => {
    const raw = (name: string) => {
      const env = services[name]!.environment;
      return env && !Array.isArray(env) ? env.PAYLOAD_KEYS : undefined;
    };
    for (const name of ['api', ...workerServices]) {
      expect({ name, value: raw(name) }).toEqual({ name, value: expect.stringMatching(/^\$\{PAYLOAD_KEYS:\?[^}]+\}$/) });
      const env = loadEnv(envOf(services[name]!));
      expect(env.PAYLOAD_KEYS).toBe(operatorSets.PAYLOAD_KEYS);
      expect(requirePayloadKeys(env, name).currentId).toBe('k2');
    }
    // The secret goes only where payloads are encrypted or decrypted.
    expect(names.filter((n) => raw(n) !== undefined).sort()).toEqual(['api', ...workerServices].sort());
  });

  it('points the Temporal UI at the API\'s codec endpoint, and lets the UI\'s origin call it', () => {
    const endpoint = new URL(envOf(services['temporal-ui']!).TEMPORAL_CODEC_ENDPOINT ?? '');
    expect(endpoint.pathname).toBe('/codec');
    const published = (service: string, target: number) =>
      (services[service]!.ports ?? []).map((p) => interpolate(String(p))).find((p) => p.endsWith(`:${target}`))?.split(':').at(-2);
    // The browser calls it: the host port compose publishes the API on.
    expect(endpoint.port).toBe(published('api', 3000));
    const origins = (apiEnv.CODEC_CORS_ORIGINS ?? '').split(',');
    expect(origins).toContain(`http://localhost:${published('temporal-ui', 8080)}`);
  });

  it('pins every image it pulls to a version', () => {
    for (const name of names) {
      const { image, build } = services[name]!;
      if (build !== undefined || !image) continue;
      const tag = /:([^/:]+)$/.exec(image)?.[1];
      expect({ name, image, pinned: Boolean(tag) && tag !== 'latest' }).toEqual({ name, image, pinned: true });
    }
  });

  const composeAvailable = (() => {
    try {
      execFileSync('docker', ['compose', 'version'], { stdio: 'ignore', timeout: 10_000 });
      return true;
    } catch {
      return false;
    }
  })();
  (composeAvailable ? it : it.skip)('when Docker Compose is installed, then `docker compose config` accepts the file', () => {
    expect(() =>
      execFileSync('docker', ['compose', '-f', join(root, 'docker-compose.yml'), 'config', '-q'], {
        stdio: 'pipe',
        timeout: 30_000,
        env: { ...process.env, ...operatorSets },
      }),
    ).not.toThrow();
  });
});

describe('Dockerfile', () => {
  const stages = dockerfileStages();
  const final = stages.at(-1)!;
  const last = (op: string) => final.instructions.filter((i) => i.op === op).at(-1)?.args;

  it('keeps local installs, build output, local state and git history out of the build context', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split(/\r?\n/)
      .map((l) => l.trim().replace(/^\/|\/$/g, ''))
      .filter((l) => l && !l.startsWith('#'));
    for (const path of ['node_modules', 'dist', '.data', '.git']) expect(ignored).toContain(path);
  });

  it('builds on Node 20 in every stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.from).toMatch(/^node:20\b/);
  });

  it('compiles TypeScript and drops dev dependencies before the runtime stage', () => {
    const build = stages.slice(0, -1).flatMap((s) => s.instructions.filter((i) => i.op === 'RUN').map((i) => i.args));
    expect(build.join('\n')).toMatch(/npm ci/);
    expect(build.join('\n')).toMatch(/tsc -p tsconfig\.json/);
    expect(build.join('\n')).toMatch(/npm prune --omit=dev/);
  });

  it('runs the final stage as a non-root user', () => {
    const user = last('USER');
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user!.trim());
  });

  it('sets production mode and a container-reachable HOST in the final stage', () => {
    const env = final.instructions.filter((i) => i.op === 'ENV').map((i) => i.args).join(' ');
    expect(env).toMatch(/NODE_ENV=production/);
    expect(env).toMatch(/HOST=0\.0\.0\.0/);
  });

  it('when compiled, then the API entry of its CMD and every node entry of the compose file come from a source file', () => {
    const cmd = JSON.parse(last('CMD') ?? '[]') as string[];
    expect(cmd).toEqual(['node', API_CMD]);
    const entries = new Set<string>([cmd[1]!]);
    for (const name of appServices) {
      for (const m of commandText(services[name]!).matchAll(/\bnode\s+(dist\/\S+\.js)/g)) entries.add(m[1]!);
    }
    expect([...entries].sort()).toEqual([API_CMD, CLI_CMD, WORKER_CMD].sort());
    const missing = [...entries].map(sourceOf).filter((src) => !existsSync(join(root, src)));
    expect(missing).toEqual([]);
  });
});
