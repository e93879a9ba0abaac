/**
 * Replays every recorded case history against the current workflow code: a change that would break
 * running cases in production fails here. Re-record with `RECORD_HISTORIES=1 npm test -- test/workflows`.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { requireEnv } from '../support/stack';

const dir = path.join(__dirname, '..', 'fixtures', 'histories');

async function loadHistories() {
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => ({ workflowId: file.replace(/\.json$/, ''), history: JSON.parse(await fs.readFile(path.join(dir, file), 'utf8')) as unknown })),
  );
}

describe('recorded histories replay without nondeterminism', () => {
  it('replays every fixture against the current workflow bundle', async () => {
    const histories = await loadHistories();
    expect(histories.length).toBeGreaterThanOrEqual(2);
    const results = Worker.runReplayHistories({ workflowBundle: { codePath: requireEnv('JIESU_WORKFLOW_BUNDLE') } }, histories);
    let replayed = 0;
    for await (const result of results) {
      expect(result.error).toBeUndefined();
      replayed++;
    }
    expect(replayed).toBe(histories.length);
  });

  it('catches a change that reorders what the workflow does (the guard really guards)', async () => {
    const [first] = await loadHistories();
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('../fixtures/nondeterministic-case-workflow'),
      logger: { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: console.error, log: () => undefined },
    });
    await expect(Worker.runReplayHistory({ workflowBundle: { code } }, first!.history, first!.workflowId)).rejects.toThrow(
      DeterminismViolationError,
    );
  });
});
