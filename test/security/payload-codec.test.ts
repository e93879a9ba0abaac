/**
 * The payload codec on its own (config/payload-codec.ts): what Temporal stores is ciphertext, a rotated key
 * ring still reads what older keys wrote, and anything wrong fails loudly instead of decoding to garbage.
 */
import { ApplicationFailure, defaultPayloadConverter, type Payload } from '@temporalio/common';
import { decodeOptionalFailureToOptionalError, encodeErrorToFailure } from '@temporalio/common/lib/internal-non-workflow/codec-helpers';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow/data-converter-helpers';
import { loadEnv } from '../../config/env';
import {
  dataConverterFor,
  newPayloadKeySetting,
  parsePayloadKeys,
  PayloadDecryptionError,
  PayloadEncryptionCodec,
  PayloadKeysError,
} from '../../config/payload-codec';

const k1 = newPayloadKeySetting('k1');
const k2 = newPayloadKeySetting('k2');
const reporter = { name: '郭凤', phone: '13800005678' };
const plain = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const str = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');

describe('the payload codec', () => {
  it('round-trips a payload, metadata and all, and stores nothing of it in clear', async () => {
    const codec = new PayloadEncryptionCodec(parsePayloadKeys(k1));
    const original = plain({ reporter, title: '和谐路通信线缆下垂' });
    const [encrypted] = await codec.encode([original]);
    expect(str(encrypted!.metadata!.encoding)).toBe('binary/encrypted');
    expect(str(encrypted!.metadata!['encryption-key-id'])).toBe('k1');
    expect(Object.keys(encrypted!.metadata!).sort()).toEqual(['encoding', 'encryption-key-id']);
    for (const secret of [reporter.name, reporter.phone, 'json/plain']) expect(str(encrypted!.data)).not.toContain(secret);

    const [decoded] = await codec.decode([encrypted!]);
    expect(decoded).toEqual({ metadata: original.metadata, data: original.data });
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({ reporter, title: '和谐路通信线缆下垂' });
  });

  it('uses a fresh nonce each time: the same value never encrypts to the same bytes', async () => {
    const codec = new PayloadEncryptionCodec(parsePayloadKeys(k1));
    const [a, b] = await codec.encode([plain(reporter), plain(reporter)]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('keeps empty and binary payloads intact (undefined, raw bytes)', async () => {
    const codec = new PayloadEncryptionCodec(parsePayloadKeys(k1));
    const originals = [plain(undefined), plain(new Uint8Array([0, 255, 1])), { metadata: {}, data: new Uint8Array() }];
    const decoded = await codec.decode(await codec.encode(originals));
    expect(decoded.map((p) => [p.metadata, Buffer.from(p.data ?? new Uint8Array())])).toEqual(
      originals.map((p) => [p.metadata, Buffer.from(p.data ?? new Uint8Array())]),
    );
  });

  it('after rotation (k2 first, k1 kept) reads what k1 wrote and writes with k2', async () => {
    const [old] = await new PayloadEncryptionCodec(parsePayloadKeys(k1)).encode([plain(reporter)]);
    const rotated = new PayloadEncryptionCodec(parsePayloadKeys(`${k2},${k1}`));
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([old!]))[0]!)).toEqual(reporter);
    const [fresh] = await rotated.encode([plain(reporter)]);
    expect(str(fresh!.metadata!['encryption-key-id'])).toBe('k2');
  });

  it('names the key id it does not have, and never decodes with a wrong key', async () => {
    const [old] = await new PayloadEncryptionCodec(parsePayloadKeys(k1)).encode([plain(reporter)]);
    const withoutK1 = new PayloadEncryptionCodec(parsePayloadKeys(k2));
    await expect(withoutK1.decode([old!])).rejects.toThrow(PayloadDecryptionError);
    await expect(withoutK1.decode([old!])).rejects.toThrow(/PAYLOAD_KEYS 中没有密钥「k1」/);
    // Another key under the same id: authentication fails, nothing is returned.
    const impostor = new PayloadEncryptionCodec(parsePayloadKeys(newPayloadKeySetting('k1')));
    await expect(impostor.decode([old!])).rejects.toThrow(/密文已损坏或与密钥「k1」不符/);
  });

  it('passes payloads that are not encrypted through unchanged (histories from before encryption)', async () => {
    const codec = new PayloadEncryptionCodec(parsePayloadKeys(k1));
    const original = plain(reporter);
    expect(await codec.decode([original])).toEqual([original]);
  });

  it('refuses a tampered, truncated or relabelled ciphertext', async () => {
    const codec = new PayloadEncryptionCodec(parsePayloadKeys(`${k2},${k1}`));
    const [good] = await codec.encode([plain(reporter)]);
    const flipped = new Uint8Array(good!.data!);
    flipped[20] = flipped[20]! ^ 1;
    await expect(codec.decode([{ ...good!, data: flipped }])).rejects.toThrow(PayloadDecryptionError);
    await expect(codec.decode([{ ...good!, data: good!.data!.subarray(0, 20) }])).rejects.toThrow(PayloadDecryptionError);
    // The key id is authenticated: claiming k1 for k2's ciphertext fails even though k1 is known.
    const relabelled = { ...good!, metadata: { ...good!.metadata, 'encryption-key-id': Buffer.from('k1') } };
    await expect(codec.decode([relabelled])).rejects.toThrow(/与密钥「k1」不符/);
    const unlabelled = { ...good!, metadata: { encoding: good!.metadata!.encoding! } };
    await expect(codec.decode([unlabelled])).rejects.toThrow(/缺少 encryption-key-id/);
  });

  it('encrypts failure messages through the data converter, and restores them', async () => {
    const converter = loadDataConverter(dataConverterFor(parsePayloadKeys(k1)));
    const failure = await encodeErrorToFailure(converter, ApplicationFailure.create({ message: `案件「和谐路线缆」诉求人 ${reporter.phone}`, type: 'X' }));
    expect(JSON.stringify(failure)).not.toContain(reporter.phone);
    expect(str(failure.encodedAttributes?.metadata?.encoding)).toBe('binary/encrypted');
    const error = await decodeOptionalFailureToOptionalError(converter, failure);
    expect(error?.message).toBe(`案件「和谐路线缆」诉求人 ${reporter.phone}`);
  });
});

describe('PAYLOAD_KEYS', () => {
  it('is parsed into a ring whose first key is the current one', () => {
    const ring = parsePayloadKeys(` ${k2} , ${k1} `);
    expect(ring.currentId).toBe('k2');
    expect([...ring.keys.keys()]).toEqual(['k2', 'k1']);
    expect(ring.keys.get('k1')).toHaveLength(32);
  });

  it.each([
    ['', /没有任何密钥/],
    ['k1', /第 1 项缺少合法的 keyId/],
    [`:${k1.split(':')[1]}`, /第 1 项缺少合法的 keyId/],
    ['k1:c2hvcnQ=', /密钥「k1」不是 32 字节的 base64（实际 5 字节）/],
    ['k1:not base64!', /密钥「k1」不是 32 字节的 base64/],
    [`${k1},k1:${k2.split(':')[1]}`, /密钥 id「k1」重复/],
  ])('refuses %j with a message naming the problem', (value, message) => {
    expect(() => parsePayloadKeys(value)).toThrow(PayloadKeysError);
    expect(() => parsePayloadKeys(value)).toThrow(message);
    expect(() => parsePayloadKeys(value)).toThrow(/^PAYLOAD_KEYS 格式无效/);
  });

  it('never repeats the key material in an error', () => {
    const material = Buffer.alloc(31, 7).toString('base64');
    expect(() => parsePayloadKeys(`k1:${material}`)).toThrow(expect.objectContaining({ message: expect.not.stringContaining(material) }));
  });

  it('stops start-up naming the variable when it is set badly; other processes need not set it', () => {
    expect(() => loadEnv({ PAYLOAD_KEYS: 'k1:abc' })).toThrow(/PAYLOAD_KEYS: PAYLOAD_KEYS 格式无效/);
    expect(loadEnv({ PAYLOAD_KEYS: `${k2},${k1}` }).PAYLOAD_KEYS).toBe(`${k2},${k1}`);
    expect(loadEnv({ NODE_ENV: 'production' }).PAYLOAD_KEYS).toBeUndefined();
  });
});
