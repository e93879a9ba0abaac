/**
 * Admin CLI: `npm run cli -- <command> [args]`. Results go to stdout (so `$(npm run -s cli -- token admin)`
 * works); hints and errors go to stderr. It never starts a server: it works on the one `npm start` uses.
 */
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { reprojectCases } from './reproject';
import { Env, EnvError, loadEnv } from '../config/env';
import { dataConverterFor, parsePayloadKeys } from '../config/payload-codec';
import { stackPayloadKeys } from './stack/payload-keys';
import { createDb, Db, migrateLatest } from '../db/connection';
import { getUserByUsername, issueToken } from '../db/queries/users';
import { seedDemoCity } from '../db/seeds/demo-city';
import { importAreas } from '../db/queries/community-places';
import { createOpen311Client } from '../db/queries/open311-clients';
import { GeoJsonError, parseAreaImport } from '../workflows/domain/geo';
import { readFile } from 'node:fs/promises';
import { findRunningPostgres, maskDatabaseUrl } from './stack/postgres';
import { trainFromDatabase, trainingSources, type TrainingSource } from '../triage/training';
import { importLabelledFile } from '../triage/import';
import { ensureTriageTrainingSchedule } from '../worker/triage-schedule';

export interface CliContext {
  env: Env;
  /** Opens the stack's database on first use. */
  db(): Promise<Db>;
  /** A line for people (stderr). */
  hint(line: string): void;
  /** The command's result (stdout). */
  out(line: string): void;
}

export interface CliCommand {
  usage: string;
  summary: string;
  run(args: string[], ctx: CliContext): Promise<void>;
}

/** A usage mistake: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}

/** Splits `--name value` options from positional arguments; only the names listed are accepted. */
export function parseArgs(args: string[], known: string[]): { positional: string[]; options: Record<string, string> } {
  const positional: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (!known.includes(name)) throw new UsageError(`未知选项 (unknown option) --${name}`);
    const value = inline ?? args[++i];
    if (value === undefined) throw new UsageError(`--${name} 需要一个值 (needs a value)`);
    options[name] = value;
  }
  return { positional, options };
}

export const commands: Record<string, CliCommand> = {
  token: {
    usage: 'token <username> [--days N] [--label L]',
    summary: '为用户签发 API 令牌，只打印令牌本身 (issue an API token; prints only the token)',
    async run(args, ctx) {
      const { positional, options } = parseArgs(args, ['days', 'label']);
      const [username, ...extra] = positional;
      if (!username || extra.length) throw new UsageError('需要且只需要一个用户名 (exactly one username)');
      // Every token expires (TOKEN_TTL_DAYS, 90 by default) unless --days says otherwise.
      let expiresAt: Date | null = new Date(Date.now() + ctx.env.TOKEN_TTL_DAYS * 86_400_000);
      if (options.days !== undefined) {
        const days = Number(options.days);
        if (!Number.isFinite(days) || days <= 0) throw new UsageError('--days 必须是正数 (must be a positive number)');
        expiresAt = new Date(Date.now() + days * 86_400_000);
      }
      const db = await ctx.db();
      const user = await getUserByUsername(db, username);
      if (!user) throw new Error(`用户不存在 (no such user): ${username}。演示数据里有 admin (the demo city has "admin")`);
      if (user.disabledAt) throw new Error(`用户已停用 (user is disabled): ${username}`);
      const issued = await issueToken(db, user.id, { label: options.label ?? 'cli', expiresAt });
      ctx.out(issued.token);
      ctx.hint(
        `已为 ${user.username} (${user.role}) 签发令牌，${issued.expiresAt ? `有效至 ${issued.expiresAt.toISOString()}` : '长期有效'} ` +
          `(token issued${issued.expiresAt ? `, expires ${issued.expiresAt.toISOString()}` : ', no expiry'}). ` +
          `用法 (use): curl -H "Authorization: Bearer <token>" http://127.0.0.1:${ctx.env.PORT}/...`,
      );
    },
  },
  migrate: {
    usage: 'migrate',
    summary: '运行数据库迁移 (run database migrations)',
    async run(args, ctx) {
      if (args.length) throw new UsageError('migrate 不接受参数 (takes no arguments)');
      await migrateLatest(await ctx.db());
      ctx.hint('迁移完成 (migrations applied)');
    },
  },
  reproject: {
    usage: 'reproject',
    summary: '从案件工作流重建读模型（需 worker 在运行）(rebuild the read model from the case workflows; needs a running worker)',
    async run(args, ctx) {
      if (args.length) throw new UsageError('reproject 不接受参数 (takes no arguments)');
      const address = ctx.env.TEMPORAL_ADDRESS ?? `127.0.0.1:${ctx.env.TEMPORAL_PORT}`;
      const connection = await Connection.connect({ address }).catch((err: Error) => {
        throw new Error(`无法连接 Temporal (cannot reach Temporal) ${address}: ${err.message}。先运行 npm start (start the stack first)`);
      });
      try {
        // The stack's key: PAYLOAD_KEYS, or the one `npm start` keeps in the data folder.
        const keys = await stackPayloadKeys(ctx.env, path.resolve(__dirname, '..', ctx.env.DATA_DIR));
        const dataConverter = dataConverterFor(parsePayloadKeys(keys.value));
        const client = new Client({ connection, namespace: ctx.env.TEMPORAL_NAMESPACE, dataConverter });
        const result = await reprojectCases({ client, db: await ctx.db(), log: ctx.hint });
        ctx.out(JSON.stringify(result));
        ctx.hint(`已重建 ${result.cases} 件案件，失败 ${result.failed.length} 件 (reprojected ${result.cases}, failed ${result.failed.length})`);
        if (result.failed.length) process.exitCode = 1;
      } finally {
        await connection.close();
      }
    },
  },
  'open311-key': {
    usage: 'open311-key <clientName>',
    summary: '新建 Open311 客户端并签发 api_key，输出最后一个词是密钥 (create an Open311 client; the last word printed is its api key)',
    async run(args, ctx) {
      const name = args.join(' ').trim();
      if (!name || args.some((a) => a.startsWith('--'))) throw new UsageError('需要客户端名称 (a client name)');
      const { client, key } = await createOpen311Client(await ctx.db(), name);
      ctx.hint(
        `已新建 Open311 客户端「${client.name}」(${client.id})，系统用户 ${client.username}（市级受理员）；密钥只显示这一次 ` +
          `(Open311 client created; the key is shown once). 吊销 (revoke): DELETE /api/v1/open311/clients/${client.id}`,
      );
      ctx.out(`api_key ${key}`);
    },
  },
  'import-areas': {
    usage: 'import-areas <file.geojson>',
    summary: '导入社区（村）的中心点与范围，供 Open311 按经纬度定位 (load community centroids and areas from GeoJSON)',
    async run(args, ctx) {
      const [file, ...extra] = args;
      if (!file || extra.length) throw new UsageError('需要且只需要一个 GeoJSON 文件 (exactly one GeoJSON file)');
      let imports;
      try {
        imports = parseAreaImport(JSON.parse(await readFile(file, 'utf8')));
      } catch (err) {
        if (err instanceof GeoJsonError || err instanceof SyntaxError) throw new Error(`GeoJSON 无效 (invalid GeoJSON): ${err.message}`);
        throw err;
      }
      const { updated } = await importAreas(await ctx.db(), imports);
      ctx.out(String(updated));
      ctx.hint(`已更新 ${updated} 个辖区的中心点与范围 (updated ${updated} jurisdictions)`);
    },
  },
  train: {
    usage: 'train [--import FILE] [--exclude seed,...] | train schedule [--cron "30 2 * * *"]',
    summary:
      '训练智能分拨模型并保存为新版本，API 30 秒内自动加载；--import 先导入本市历史诉求（JSON Lines: {"text","category","id"?}）；' +
      'schedule 创建或更新每晚自动训练的 Temporal 计划 (train the smart-dispatch model now; import a history file first; or set the nightly schedule)',
    async run(args, ctx) {
      const { positional, options } = parseArgs(args, ['import', 'exclude', 'cron']);
      if (positional[0] === 'schedule') {
        if (positional.length > 1 || options.import || options.exclude) throw new UsageError('train schedule 只接受 --cron (takes only --cron)');
        const address = ctx.env.TEMPORAL_ADDRESS ?? `127.0.0.1:${ctx.env.TEMPORAL_PORT}`;
        const connection = await Connection.connect({ address }).catch((err: Error) => {
          throw new Error(`无法连接 Temporal (cannot reach Temporal) ${address}: ${err.message}`);
        });
        try {
          const keys = await stackPayloadKeys(ctx.env, path.resolve(__dirname, '..', ctx.env.DATA_DIR));
          const client = new Client({ connection, namespace: ctx.env.TEMPORAL_NAMESPACE, dataConverter: dataConverterFor(parsePayloadKeys(keys.value)) });
          const outcome = await ensureTriageTrainingSchedule(client, { taskQueue: ctx.env.TEMPORAL_TASK_QUEUE, cron: options.cron, update: true });
          ctx.out(JSON.stringify({ schedule: 'triage-training', outcome, cron: options.cron ?? '30 2 * * *', timezone: 'Asia/Shanghai' }));
        } finally {
          await connection.close();
        }
        return;
      }
      if (positional.length) throw new UsageError(`未知参数 (unexpected argument): ${positional.join(' ')}`);
      if (options.cron) throw new UsageError('--cron 只用于 train schedule (only with train schedule)');
      const exclude = (options.exclude ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = exclude.filter((s) => !(trainingSources as readonly string[]).includes(s));
      if (unknown.length) throw new UsageError(`--exclude 只能是 (must be among) ${trainingSources.join(',')}：${unknown.join(',')}`);
      const db = await ctx.db();
      if (options.import) {
        const imported = await importLabelledFile(db, options.import);
        ctx.hint(`已导入 ${imported} 条历史诉求 (imported ${imported} labelled requests) from ${options.import}`);
      }
      const trained = await trainFromDatabase(db, { trigger: 'cli', exclude: exclude as TrainingSource[] });
      ctx.out(JSON.stringify({ version: trained.version, trainedAt: trained.trainedAt, examples: trained.examples, sources: trained.summary.sources, trainingAccuracy: trained.summary.trainingAccuracy }));
      ctx.hint(`模型版本 ${trained.version} 已保存，${trained.examples} 条样本，API 30 秒内加载 (model ${trained.version} stored; APIs load it within 30 s)`);
    },
  },
  seed: {
    usage: 'seed',
    summary: '写入演示城市数据，可重复执行 (seed the demo city; idempotent)',
    async run(args, ctx) {
      if (args.length) throw new UsageError('seed 不接受参数 (takes no arguments)');
      const db = await ctx.db();
      await migrateLatest(db);
      await seedDemoCity(db);
      ctx.hint('演示数据已写入 (demo city seeded)');
    },
  },
};

function usage(): string {
  const width = Math.max(...Object.values(commands).map((c) => c.usage.length));
  const lines = Object.values(commands).map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`);
  return `用法 (usage): npm run cli -- <command>\n${lines.join('\n')}`;
}

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.error(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`未知命令 (unknown command): ${name}\n${usage()}`);
    return 2;
  }
  let db: Db | undefined;
  try {
    const env = loadEnv();
    const ctx: CliContext = {
      env,
      async db() {
        if (!db) {
          const found = await findRunningPostgres(env);
          console.error(`[cli] 数据库 (database): ${maskDatabaseUrl(found.url)}`);
          db = createDb(found.url, { max: 2 });
        }
        return db;
      },
      hint: (line) => console.error(line),
      out: (line) => console.log(line),
    };
    await command.run(args, ctx);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n用法 (usage): npm run cli -- ${command.usage}`);
      return 2;
    }
    console.error(err instanceof EnvError ? err.message : `错误 (error): ${(err as Error).message}`);
    return 1;
  } finally {
    await db?.destroy();
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
