/** What topology-setup.ts started, kept on globalThis (shared by jest's global setup and teardown). */
export interface TopologyRun {
  /** Stops the processes and drops the run's databases (scripts/stack/disposable-topology.ts). */
  dispose?: () => Promise<void>;
  logFile?: string;
  closeLog?: () => Promise<unknown>;
}

export default async function topologyTeardown(): Promise<void> {
  const holder = globalThis as { __jiesuTopologyRun?: TopologyRun };
  const run = holder.__jiesuTopologyRun;
  if (!run) return;
  holder.__jiesuTopologyRun = undefined;
  await run.dispose?.();
  await run.closeLog?.();
}
