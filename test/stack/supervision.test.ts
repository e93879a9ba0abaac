/**
 * Supervision (`npm run topology`, `npm start -- --supervise`): a worker or API that dies is started again,
 * after a back-off that grows while it keeps dying. Proven on tiny real child processes, killed for real.
 */
import { ManagedChild, startChild, stopChild } from '../../scripts/stack/children';
import { defaultBackoff, nextDelay, RestartEvent, Supervisor } from '../../scripts/stack/supervisor';
import { eventually } from '../support/eventually';

const quiet = () => undefined;
const fast = { initialMs: 50, maxMs: 200, healthyMs: 60_000 };

function supervise(script: string, restart = true) {
  const started: ManagedChild[] = [];
  const restarts: RestartEvent[] = [];
  const supervisor = new Supervisor('child', () => startChild('child', ['-e', script], process.env, quiet), {
    policy: fast,
    restart,
    onStart: (c) => started.push(c),
    onRestart: (e) => restarts.push(e),
  });
  return { supervisor, started, restarts };
}

const stop = (s: Supervisor) => s.stop((c) => stopChild(c, 5000));

describe('the back-off', () => {
  it('doubles from one second to thirty while a child keeps crashing, and starts over after a healthy minute', () => {
    let delay: number | null = null;
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) waits.push((delay = nextDelay(delay, 500)));
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    expect(nextDelay(30_000, defaultBackoff.healthyMs)).toBe(1000);
    expect(nextDelay(30_000, defaultBackoff.healthyMs - 1)).toBe(30_000);
  });
});

describe('a supervised child', () => {
  it('is started again after it is killed, as a new process, and no more once the supervisor stops', async () => {
    const { supervisor, started, restarts } = supervise('setInterval(() => undefined, 1000)');
    try {
      await eventually(async () => expect(started[0]!.proc.pid).toBeDefined());
      process.kill(started[0]!.proc.pid!, 'SIGKILL');
      await eventually(async () => expect(started).toHaveLength(2));
      expect(started[1]!.proc.pid).not.toBe(started[0]!.proc.pid);
      expect(restarts).toEqual([expect.objectContaining({ name: 'child', how: 'code=- signal=SIGKILL', delayMs: 50, restart: 1 })]);
      expect(started[1]!.done).toBe(false);
    } finally {
      await stop(supervisor);
    }
    expect(supervisor.current.done).toBe(true);
    // Stopped on purpose: nothing is started again, however long one waits.
    await new Promise((r) => setTimeout(r, 4 * fast.maxMs));
    expect(started).toHaveLength(2);
  });

  it('waits longer after each crash in a row', async () => {
    const { supervisor, restarts } = supervise('process.exit(3)');
    try {
      await eventually(async () => expect(restarts.length).toBeGreaterThanOrEqual(4));
    } finally {
      await stop(supervisor);
    }
    expect(restarts.slice(0, 4).map((e) => [e.how, e.delayMs, e.restart])).toEqual([
      ['code=3 signal=-', 50, 1],
      ['code=3 signal=-', 100, 2],
      ['code=3 signal=-', 200, 3],
      ['code=3 signal=-', 200, 4],
    ]);
  });

  it('without supervision, the first exit is final (npm start without --supervise ends the stack then)', async () => {
    const { supervisor, started, restarts } = supervise('process.exit(2)', false);
    await expect(started[0]!.exited).resolves.toBe('code=2 signal=-');
    await new Promise((r) => setTimeout(r, 4 * fast.maxMs));
    expect(started).toHaveLength(1);
    expect(restarts).toEqual([]);
    await stop(supervisor);
  });
});
