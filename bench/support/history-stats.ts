/** History length and size of sampled workflows, as the server reports them (DescribeWorkflowExecution). */
import type { Client } from '@temporalio/client';
import { spread, type Spread } from './stats';

export interface HistoryStats {
  sampled: number;
  events: Spread;
  bytes: Spread;
}

/** Up to `size` ids spread evenly over the list (the first, the last and between). */
export function evenSample<T>(items: readonly T[], size: number): T[] {
  if (items.length <= size) return [...items];
  return Array.from({ length: size }, (_, k) => items[Math.round((k * (items.length - 1)) / Math.max(1, size - 1))]!);
}

export async function historyStats(client: Client, namespace: string, workflowIds: string[]): Promise<HistoryStats> {
  const described = await Promise.all(
    workflowIds.map((workflowId) => client.workflowService.describeWorkflowExecution({ namespace, execution: { workflowId } })),
  );
  const info = described.map((d) => d.workflowExecutionInfo);
  return {
    sampled: info.length,
    events: spread(info.map((i) => Number(i?.historyLength ?? 0))),
    bytes: spread(info.map((i) => Number(i?.historySizeBytes ?? 0))),
  };
}

export const describeHistory = (h: HistoryStats): string =>
  h.sampled === 0 ? 'none sampled' : `${h.sampled} sampled: events p50 ${h.events.p50} (max ${h.events.max}), bytes p50 ${h.bytes.p50} (max ${h.bytes.max})`;
