import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Env } from '../../config/env';
import { newPayloadKeySetting, parsePayloadKeys } from '../../config/payload-codec';

export interface StackPayloadKeys {
  /** The PAYLOAD_KEYS value for the worker and the API. */
  value: string;
  /** Where it came from, for the launcher's log (never the key itself). */
  source: string;
}

/**
 * PAYLOAD_KEYS when set. Otherwise, outside production, the key generated on the first `npm start` and kept
 * in DATA_DIR/payload-keys (mode 0600): the dev server's SQLite file survives restarts, and so must the key
 * its cases were encrypted with. Production sets PAYLOAD_KEYS; a key on one machine's disk dies with it.
 */
export async function stackPayloadKeys(env: Pick<Env, 'PAYLOAD_KEYS' | 'NODE_ENV'>, dataDir: string): Promise<StackPayloadKeys> {
  if (env.PAYLOAD_KEYS) return { value: env.PAYLOAD_KEYS, source: 'PAYLOAD_KEYS' };
  if (env.NODE_ENV === 'production') {
    throw new Error('生产环境必须设置 PAYLOAD_KEYS（见 README「Payload encryption」）(production needs PAYLOAD_KEYS; see README)');
  }
  const file = path.join(dataDir, 'payload-keys');
  const read = async (): Promise<StackPayloadKeys> => {
    const value = (await fs.readFile(file, 'utf8')).trim();
    try {
      parsePayloadKeys(value);
    } catch (err) {
      throw new Error(`${file}: ${(err as Error).message}`);
    }
    return { value, source: file };
  };
  try {
    return await read();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await fs.mkdir(dataDir, { recursive: true });
  const value = newPayloadKeySetting(`dev${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`);
  try {
    // wx: two launchers starting at once must not each write a different key.
    await fs.writeFile(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return read();
    throw err;
  }
  return { value, source: `${file}（新生成 / generated）` };
}
