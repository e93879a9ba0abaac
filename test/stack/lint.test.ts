/**
 * The lint really guards the workflow sandbox and promises (as the replay test's negative control does for
 * determinism): a probe file placed among the workflows with each forbidden thing must be refused.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(__dirname, '..', '..');

async function lintProbe(dir: string, code: string): Promise<string[]> {
  const file = path.join(root, dir, `lint-probe-${process.pid}.ts`);
  await fs.writeFile(file, code);
  try {
    // ESLint loads its config with a dynamic import, which jest's sandbox refuses: run it as CI does.
    const eslint = path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');
    const { stdout } = await promisify(execFile)(process.execPath, [eslint, '--format', 'json', file], { cwd: root }).catch(
      (err: { stdout?: string }) => ({ stdout: err.stdout ?? '[]' }),
    );
    const [result] = JSON.parse(stdout) as { messages: { ruleId: string | null; message: string }[] }[];
    return result!.messages.map((m) => m.ruleId ?? m.message);
  } finally {
    await fs.rm(file, { force: true });
  }
}

describe('lint', () => {
  it('refuses Node, the database, activity implementations and I/O libraries inside workflow code', async () => {
    const rules = await lintProbe(
      'workflows',
      [
        "import { readFileSync } from 'node:fs';",
        "import { createDb } from '../db/connection';",
        "import { createActivities } from '../activities';",
        "import { Client } from '@temporalio/client';",
        'export const probe = [readFileSync, createDb, createActivities, Client];',
      ].join('\n'),
    );
    expect(rules.filter((r) => r === '@typescript-eslint/no-restricted-imports')).toHaveLength(4);
  }, 60_000);

  it('lets workflow code import activity types, the domain and @temporalio/workflow', async () => {
    const rules = await lintProbe(
      'workflows',
      [
        "import type { ClockActivities } from '../activities/clocks';",
        "import { condition } from '@temporalio/workflow';",
        "import { decide } from './domain';",
        'export const probe: [ClockActivities | null, unknown, unknown] = [null, condition, decide];',
      ].join('\n'),
    );
    expect(rules).toEqual([]);
  }, 60_000);

  it('keeps the domain to itself: no Temporal, no messages', async () => {
    const rules = await lintProbe('workflows/domain', "import { proxyActivities } from '@temporalio/workflow';\nexport const probe = proxyActivities;\n");
    expect(rules).toContain('@typescript-eslint/no-restricted-imports');
  }, 60_000);

  it('refuses a promise nobody awaits', async () => {
    const rules = await lintProbe('api', 'async function work(): Promise<void> {}\nexport function probe(): void {\n  work();\n}\n');
    expect(rules).toContain('@typescript-eslint/no-floating-promises');
  }, 60_000);
});
