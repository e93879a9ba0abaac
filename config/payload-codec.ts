/**
 * Encryption of every Temporal payload (workflow inputs, update arguments, activity inputs and results, and,
 * through the failure converter, failure messages): a citizen's name and number must not be readable by
 * whoever can open Temporal's history or Web UI. AES-256-GCM with a key ring: the first key encrypts, every
 * key decrypts, so a new key can be put in front while histories written under an older one still replay.
 * Pure: no environment, no files; the caller hands in the PAYLOAD_KEYS text.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { Reader, Writer } from 'protobufjs/minimal';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

export interface PayloadKeyRing {
  /** Id of the key new payloads are encrypted with (the first in PAYLOAD_KEYS). */
  currentId: string;
  keys: ReadonlyMap<string, Buffer>;
}

/** A bad PAYLOAD_KEYS setting. Messages name the key id or position, never the key material. */
export class PayloadKeysError extends Error {}

/** A payload that cannot be decrypted (unknown key id, tampered or truncated ciphertext). */
export class PayloadDecryptionError extends Error {}

const invalid = (what: string, english: string) =>
  new PayloadKeysError(`PAYLOAD_KEYS 格式无效：${what}；应为 keyId:base64（32 字节），多个用逗号分隔，第一个用于加密 (invalid format: ${english})`);

/** `k2:base64,k1:base64` → the ring; the first key is the current one. */
export function parsePayloadKeys(text: string): PayloadKeyRing {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw invalid('没有任何密钥', 'no keys');
  const keys = new Map<string, Buffer>();
  items.forEach((item, i) => {
    const colon = item.indexOf(':');
    const id = colon < 0 ? '' : item.slice(0, colon).trim();
    const material = colon < 0 ? '' : item.slice(colon + 1).trim();
    if (!KEY_ID.test(id)) {
      throw invalid(`第 ${i + 1} 项缺少合法的 keyId（字母、数字、. _ -）`, `item ${i + 1} has no valid key id`);
    }
    const bytes = BASE64.test(material) ? Buffer.from(material, 'base64') : null;
    if (!bytes || bytes.length !== KEY_BYTES) {
      throw invalid(
        `密钥「${id}」不是 32 字节的 base64${bytes ? `（实际 ${bytes.length} 字节）` : ''}`,
        `key "${id}" is not 32 bytes of base64`,
      );
    }
    if (keys.has(id)) throw invalid(`密钥 id「${id}」重复`, `duplicate key id "${id}"`);
    keys.set(id, bytes);
  });
  return { currentId: keys.keys().next().value!, keys };
}

/** A fresh `id:base64` entry for PAYLOAD_KEYS. */
export const newPayloadKeySetting = (id = 'k1'): string => `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : undefined);

/** The Payload protobuf (map<string, bytes> metadata = 1; bytes data = 2), so a decrypted payload is the original byte for byte. */
function serialize(payload: Payload): Uint8Array {
  const w = Writer.create();
  for (const [key, value] of Object.entries(payload.metadata ?? {})) {
    w.uint32(10).fork().uint32(10).string(key).uint32(18).bytes(value ?? new Uint8Array()).ldelim();
  }
  if (payload.data?.length) w.uint32(18).bytes(payload.data);
  return w.finish();
}

function deserialize(bytes: Uint8Array): Payload {
  const r = Reader.create(bytes);
  const metadata: Record<string, Uint8Array> = {};
  let data: Uint8Array = new Uint8Array();
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) {
      const end = r.uint32() + r.pos;
      let key = '';
      let value: Uint8Array = new Uint8Array();
      while (r.pos < end) {
        const t = r.uint32();
        if (t >>> 3 === 1) key = r.string();
        else if (t >>> 3 === 2) value = r.bytes();
        else r.skipType(t & 7);
      }
      metadata[key] = value;
    } else if (tag >>> 3 === 2) data = r.bytes();
    else r.skipType(tag & 7);
  }
  return { metadata, data };
}

export class PayloadEncryptionCodec implements PayloadCodec {
  constructor(private readonly ring: PayloadKeyRing) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encrypt(p));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.decrypt(p));
  }

  private encrypt(payload: Payload): Payload {
    const id = this.ring.currentId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.ring.keys.get(id)!, iv);
    // The key id is authenticated too: relabelling a payload with another id fails like tampering.
    cipher.setAAD(Buffer.from(id, 'utf8'));
    const body = Buffer.concat([cipher.update(serialize(payload)), cipher.final()]);
    return {
      metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(id) },
      data: new Uint8Array(Buffer.concat([iv, body, cipher.getAuthTag()])),
    };
  }

  private decrypt(payload: Payload): Payload {
    // Histories written before encryption (and the recorded replay fixtures) stay readable as they are.
    if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
    const id = text(payload.metadata?.[KEY_ID_METADATA]);
    if (!id) throw new PayloadDecryptionError(`无法解密载荷：缺少 ${KEY_ID_METADATA} (cannot decrypt payload: no key id)`);
    const key = this.ring.keys.get(id);
    if (!key) {
      throw new PayloadDecryptionError(
        `无法解密载荷：PAYLOAD_KEYS 中没有密钥「${id}」，请把它加回去 (cannot decrypt payload: unknown key id "${id}"; add it back to PAYLOAD_KEYS)`,
      );
    }
    const data = Buffer.from(payload.data ?? new Uint8Array());
    try {
      if (data.length < IV_BYTES + TAG_BYTES) throw new Error('too short');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(id, 'utf8'));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      return deserialize(plain);
    } catch {
      throw new PayloadDecryptionError(
        `无法解密载荷：密文已损坏或与密钥「${id}」不符 (cannot decrypt payload: corrupted ciphertext or wrong key "${id}")`,
      );
    }
  }
}

/** Also for `bundleWorkflowCode`, when workflows are bundled ahead of the worker (tests). */
export const failureConverterPath = require.resolve('./failure-converter');

/**
 * What clients and workers take as `dataConverter`. The failure converter is given as a module path because
 * the workflow sandbox loads it itself; it encodes failure messages and stack traces (they may quote a case
 * title) as payloads, which the codec then encrypts.
 */
export function dataConverterFor(ring: PayloadKeyRing): DataConverter & { payloadCodecs: PayloadCodec[] } {
  return { payloadCodecs: [new PayloadEncryptionCodec(ring)], failureConverterPath };
}
