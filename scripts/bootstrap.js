#!/usr/bin/env node
'use strict';
/**
 * Entry point of `npm start`, `npm test` and `npm run cli`. Plain Node with no dependencies, because it runs
 * on a fresh clone before node_modules exists: it installs what is missing, then hands over to TypeScript.
 *
 *   node scripts/bootstrap.js start            dev stack (Temporal, PostgreSQL, worker, API)
 *   node scripts/bootstrap.js test [jest args] typecheck, lint, jest, then (no paths given) the topology run
 *   node scripts/bootstrap.js topology [args]  production shape (Temporal server on PostgreSQL, 2 workers, 2 APIs)
 *   node scripts/bootstrap.js cli <command>    admin CLI (token, migrate, seed, ...)
 *   node scripts/bootstrap.js build-console    build the web console (console/ → console/dist)
 *   node scripts/bootstrap.js drill [options]  chaos drill: kill -9 each part under load, then verify
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const MIN_NODE_MAJOR = 20;
const MIN_NODE_MINOR = 6; // `node --import` needs 20.6

function say(line) {
  process.stderr.write(`[bootstrap] ${line}\n`);
}

function fail(line) {
  say(line);
  process.exit(1);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < MIN_NODE_MAJOR || (major === MIN_NODE_MAJOR && minor < MIN_NODE_MINOR)) {
    fail(
      `需要 Node.js >= ${MIN_NODE_MAJOR}.${MIN_NODE_MINOR}，当前为 ${process.versions.node} ` +
        `(Node.js >= ${MIN_NODE_MAJOR}.${MIN_NODE_MINOR} required, found ${process.versions.node})`,
    );
  }
}

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

/** Why dependencies must be (re)installed, or null when node_modules matches the lock file. */
function installReason() {
  // npm writes node_modules/.package-lock.json after every successful install; if it is older than the
  // manifest or the lock file, someone pulled new dependencies since.
  const installed = mtime(path.join(root, 'node_modules', '.package-lock.json'));
  if (installed === null) return '尚未安装依赖 (node_modules missing)';
  const lock = mtime(path.join(root, 'package-lock.json'));
  const manifest = mtime(path.join(root, 'package.json'));
  if (lock !== null && lock > installed) return 'package-lock.json 比已安装的依赖新 (lock file changed)';
  if (manifest !== null && manifest > installed) return 'package.json 比已安装的依赖新 (package.json changed)';
  return null;
}

/** npm as the user invoked it (npm_execpath under `npm test`), else the one on PATH. */
function npmCommand(args) {
  const execPath = process.env.npm_execpath;
  if (execPath && /npm-cli\.js$/.test(execPath) && fs.existsSync(execPath)) {
    return { cmd: process.execPath, args: [execPath, ...args] };
  }
  return { cmd: process.platform === 'win32' ? 'npm.cmd' : 'npm', args };
}

/** Runs npm with our stdout, keeping stderr to tell failure causes apart (shown unless `quiet`). */
function runNpm(args, quiet = false) {
  const npm = npmCommand(args);
  const result = spawnSync(npm.cmd, npm.args, {
    cwd: root,
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.stderr && !quiet) process.stderr.write(result.stderr);
  if (result.error) {
    fail(`无法运行 npm (cannot run npm): ${result.error.message}. 请确认 npm 已安装并在 PATH 中 (is npm installed?)`);
  }
  return { status: result.status, stderr: result.stderr || '' };
}

function ensureDependencies() {
  const reason = installReason();
  if (!reason) return;
  const started = Date.now();
  say(`${reason}：正在运行 npm ci (running npm ci, usually 1-2 min on a fresh clone) ...`);
  // npm ci's own complaint is held back until we know the fallback below cannot fix it.
  let result = runNpm(['ci', '--no-audit', '--no-fund'], true);
  if (result.status !== 0 && !/EUSAGE|in sync/.test(result.stderr)) process.stderr.write(result.stderr);
  if (result.status !== 0 && /EUSAGE|in sync/.test(result.stderr)) {
    // npm ci refuses a lock file that lacks entries for other platforms' optional packages (a registry mirror
    // that does not serve them produces such a lock). `npm install --no-save` installs the same locked
    // versions for this platform without rewriting package.json or package-lock.json.
    say('npm ci 认为 lock 文件不完整，改用 npm install --no-save (lock file incomplete for npm ci; falling back) ...');
    result = runNpm(['install', '--no-save', '--no-audit', '--no-fund']);
  }
  if (result.status !== 0) {
    fail(
      `安装依赖失败，退出码 ${result.status} (dependency install failed). 常见原因 (common causes): ` +
        'package.json 与 package-lock.json 不一致 (run `npm install` to update the lock file)、' +
        '无法访问 npm registry (no network / registry access)、Node 版本不符 (wrong Node version). 见上方 npm 输出 (see npm output above).',
    );
  }
  say(`依赖已安装，用时 ${((Date.now() - started) / 1000).toFixed(1)}s (dependencies installed)`);
}

let current = null;
let forwarded = 0;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    // The child usually got the same Ctrl-C from the terminal; forwarding again is harmless because the
    // children treat a repeated signal during shutdown as a no-op.
    forwarded += 1;
    if (current && current.exitCode === null) current.kill(signal);
    else if (forwarded > 1) process.exit(130);
  });
}

/** Runs a child with inherited stdio; resolves with the code this process should exit with. */
function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit' });
    current = child;
    child.on('error', (err) => {
      say(`无法启动 (cannot start) ${cmd}: ${err.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      current = null;
      if (code !== null) resolve(code);
      else resolve(128 + (os.constants.signals[signal] || 1));
    });
  });
}

function nodeBin(rel) {
  return path.join(root, 'node_modules', ...rel.split('/'));
}

/** The newest modification time under a folder (0 when it does not exist). */
function newestUnder(dir) {
  let newest = 0;
  const walk = (d) => {
    let entries = [];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'dist' && e.name !== 'node_modules') walk(p);
      } else newest = Math.max(newest, mtime(p) || 0);
    }
  };
  walk(dir);
  return newest;
}

/**
 * Builds the web console (console/ → console/dist, served at /console and /public) when the build is missing
 * or older than its sources, so `npm start` and `npm test` serve what the sources say.
 */
async function buildConsole(force) {
  const config = path.join(root, 'console', 'vite.config.ts');
  if (!fs.existsSync(config)) return 0;
  const built = mtime(path.join(root, 'console', 'dist', 'index.html'));
  if (!force && built !== null && built >= newestUnder(path.join(root, 'console'))) return 0;
  const started = Date.now();
  say('构建控制台 (building the web console: vite build) ...');
  const code = await run(process.execPath, [nodeBin('vite/bin/vite.js'), 'build', '--config', config, '--logLevel', 'warn']);
  if (code === 0) say(`控制台已构建，用时 ${((Date.now() - started) / 1000).toFixed(1)}s (console built)`);
  else say('控制台构建失败 (console build failed): 见上方 vite 输出 (see vite output above)');
  return code;
}

/** jest options that take the next argument as their value (when not written `--name=value`). */
const jestValueOptions = new Set(['-c', '--config', '-t', '--testNamePattern', '-w', '--maxWorkers', '--outputFile', '--testTimeout', '--shard', '--reporters', '--testPathIgnorePatterns', '--selectProjects', '--seed']);

/** True when jest is given paths or patterns: a subset run, which the topology run does not follow. */
function namesTests(args) {
  for (let i = 0; i < args.length; i++) {
    if (jestValueOptions.has(args[i])) i += 1;
    else if (!args[i].startsWith('-')) return true;
  }
  return false;
}

/** The main run's arguments for the topology run, its JSON results beside the main run's (`x.json` → `x.topology.json`). */
function topologyArgs(args) {
  const beside = (file) => file.replace(/(\.json)?$/, '.topology.json');
  return args.map((a, i) => {
    if (a.startsWith('--outputFile=')) return `--outputFile=${beside(a.slice('--outputFile='.length))}`;
    if (args[i - 1] === '--outputFile') return beside(a);
    return a;
  });
}

async function main() {
  checkNode();
  const [command, ...rest] = process.argv.slice(2);
  const commands = ['start', 'test', 'cli', 'build-console', 'drill', 'topology'];
  if (!commands.includes(command)) {
    fail(`用法 (usage): node scripts/bootstrap.js ${commands.join('|')} [args...]`);
  }
  ensureDependencies();
  const tsx = ['--import', 'tsx'];
  let code;
  switch (command) {
    case 'build-console':
      code = await buildConsole(true);
      break;
    case 'start':
      code = await buildConsole(false);
      if (code !== 0) break;
      code = await run(process.execPath, [...tsx, path.join(root, 'scripts', 'dev-stack.ts'), ...rest]);
      break;
    case 'topology':
      code = await buildConsole(false);
      if (code !== 0) break;
      code = await run(process.execPath, [...tsx, path.join(root, 'scripts', 'topology.ts'), ...rest]);
      break;
    case 'cli':
      code = await run(process.execPath, [...tsx, path.join(root, 'scripts', 'cli.ts'), ...rest]);
      break;
    case 'drill':
      code = await run(process.execPath, [...tsx, path.join(root, 'scripts', 'drill.ts'), ...rest]);
      break;
    case 'test': {
      const started = Date.now();
      say('类型检查 (typecheck: tsc --noEmit) ...');
      // Incremental state lives in node_modules/.cache, so a later run rechecks only what changed (~12 s → ~4 s)
      // and a fresh `npm ci` starts clean.
      const buildInfo = path.join(root, 'node_modules', '.cache', 'jiesu', 'tsc.tsbuildinfo');
      code = await run(process.execPath, [
        nodeBin('typescript/bin/tsc'),
        '--noEmit',
        '-p',
        root,
        '--incremental',
        '--tsBuildInfoFile',
        buildInfo,
      ]);
      // The console has its own compiler settings (DOM, JSX).
      if (code === 0 && fs.existsSync(path.join(root, 'console', 'tsconfig.json'))) {
        code = await run(process.execPath, [nodeBin('typescript/bin/tsc'), '--noEmit', '-p', path.join(root, 'console')]);
      }
      if (code !== 0) {
        say('类型检查失败，未运行测试 (typecheck failed; tests not run)');
        break;
      }
      say(`类型检查通过，用时 ${((Date.now() - started) / 1000).toFixed(1)}s (typecheck ok); 代码检查 (lint: eslint) ...`);
      // Lint guards what the compiler cannot: floating promises, and imports that would break the workflow sandbox.
      const linted = Date.now();
      const cache = path.join(root, 'node_modules', '.cache', 'jiesu', 'eslintcache');
      code = await run(process.execPath, [nodeBin('eslint/bin/eslint.js'), '--cache', '--cache-location', cache, '--max-warnings', '0', root]);
      if (code !== 0) {
        say('代码检查未通过，未运行测试 (lint failed; tests not run)');
        break;
      }
      say(`代码检查通过，用时 ${((Date.now() - linted) / 1000).toFixed(1)}s (lint ok)`);
      // The console's end-to-end tests drive the built console.
      code = await buildConsole(false);
      if (code !== 0) break;
      say('运行 jest (running jest) ...');
      code = await run(process.execPath, [nodeBin('jest/bin/jest.js'), ...rest]);
      // The whole suite (no paths named) goes on to the named suites against the production topology.
      if (namesTests(rest) || process.env.JIESU_TOPOLOGY_TESTS === '0') break;
      say('生产形态测试 (topology run: Temporal server on PostgreSQL, 2 workers, 2 API replicas; jest.topology.config.js) ...');
      const topologyCode = await run(process.execPath, [nodeBin('jest/bin/jest.js'), '--config', path.join(root, 'jest.topology.config.js'), ...topologyArgs(rest)]);
      if (code === 0) code = topologyCode;
      break;
    }
  }
  process.exit(code);
}

main().catch((err) => {
  say(`意外错误 (unexpected error): ${err && err.stack ? err.stack : err}`);
  process.exit(1);
});
