import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { parsePayloadKeys, PayloadEncryptionCodec } from '../../config/payload-codec';
import { workflowIdForCase } from '../../workflows/messages';

export const historiesDir = path.join(__dirname, '..', 'fixtures', 'histories');

const isPayload = (x: unknown): x is Payload =>
  typeof x === 'object' && x !== null && 'metadata' in x && 'data' in x && (x as Payload).data instanceof Uint8Array;

/** Every payload object inside a history, so that they can be decoded in place. */
function payloadsIn(node: unknown, found: Payload[] = []): Payload[] {
  if (isPayload(node)) found.push(node);
  else if (Array.isArray(node)) node.forEach((n) => payloadsIn(n, found));
  else if (node && typeof node === 'object' && !(node instanceof Uint8Array)) Object.values(node).forEach((n) => payloadsIn(n, found));
  return found;
}

/**
 * With RECORD_HISTORIES=1, saves a case's workflow history as a replay fixture (test/workflows/replay.test.ts
 * replays every one). Payloads are decrypted with the run's key first: a fixture must replay under any key,
 * and it holds only the demo city's made-up people. Re-record only when no case of the old shape can still
 * be running anywhere.
 */
export async function recordHistory(client: Client, name: string, caseId: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await client.workflow.getHandle(workflowIdForCase(caseId)).fetchHistory();
  const codec = new PayloadEncryptionCodec(parsePayloadKeys(process.env.PAYLOAD_KEYS ?? ''));
  const payloads = payloadsIn(history);
  const decoded = await codec.decode(payloads);
  payloads.forEach((p, i) => Object.assign(p, { metadata: decoded[i]!.metadata, data: decoded[i]!.data }));
  await fs.writeFile(path.join(historiesDir, `${name}.json`), historyToJSON(history));
}
