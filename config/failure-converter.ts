/**
 * Loaded by path (DataConverter.failureConverterPath), also inside the workflow sandbox, so it imports nothing
 * but @temporalio/common: failure messages and stack traces travel as an encoded payload, which the payload
 * codec (config/payload-codec.ts) encrypts like any other.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
