import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';
import {
  isGrpcServiceError,
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from '../config/logger';

export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'MALFORMED_JSON'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'INVALID_STATE'
  | 'IDEMPOTENCY_CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE'
  | 'INTERNAL';

export interface ErrorDetail {
  field: string;
  message: string;
}

/** The one error type routes throw; the handler below turns it into the API.md error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  static validation(details: ErrorDetail[]): ApiError {
    const fields = details.map((d) => d.field).join('、');
    return new ApiError(400, 'VALIDATION_FAILED', `请求参数有误：${fields}`, details);
  }
  static notFound(what: string): ApiError {
    return new ApiError(404, 'NOT_FOUND', `未找到${what}`);
  }
  /** The same Idempotency-Key came back with another request: refused, never answered with the first outcome. */
  static idempotencyConflict(): ApiError {
    return new ApiError(409, 'IDEMPOTENCY_CONFLICT', '该 Idempotency-Key 已用于内容不同的请求，请为新的请求换一个 Idempotency-Key');
  }
  static forbidden(message = '无权执行此操作'): ApiError {
    return new ApiError(403, 'FORBIDDEN', message);
  }
  static unavailable(what: string): ApiError {
    return new ApiError(503, 'UNAVAILABLE', `${what}暂时不可用，请稍后重试`);
  }
}

export const zodDetails = (error: ZodError): ErrorDetail[] =>
  error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join('.') : issue.code === 'unrecognized_keys' ? issue.keys.join(',') : '(body)',
    message: issue.code === 'unrecognized_keys' ? `不允许的字段：${issue.keys.join(', ')}` : issue.message,
  }));

const failureStatus: Record<string, [number, ErrorCode]> = {
  INVALID_STATE: [409, 'INVALID_STATE'],
  FORBIDDEN: [403, 'FORBIDDEN'],
  VALIDATION_FAILED: [400, 'VALIDATION_FAILED'],
};

const pgUnavailableCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', '57P01', '57P03', '08006', '08001']);

/** Turns anything thrown below the routes into an ApiError; unknown errors become a 500 without internals. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof ZodError) return ApiError.validation(zodDetails(err));
  const e = err as { type?: string; status?: number; code?: string; message?: string };
  // body-parser's own errors
  if (e?.type === 'entity.parse.failed') return new ApiError(400, 'MALFORMED_JSON', '请求体不是合法的 JSON');
  if (e?.type === 'entity.too.large') return new ApiError(413, 'PAYLOAD_TOO_LARGE', '请求体过大');
  if (e?.type && e.status && e.status >= 400 && e.status < 500) return new ApiError(400, 'MALFORMED_JSON', '请求体无法解析');
  // The router's own refusals (e.g. a path segment that is not valid percent-encoding); their text echoes the input.
  if (err instanceof URIError || ((err as { expose?: boolean })?.expose === true && e.status && e.status >= 400 && e.status < 500)) {
    return ApiError.validation([{ field: 'path', message: '请求路径无法解析' }]);
  }
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const mapped = failureStatus[err.cause.type ?? ''];
    if (mapped) {
      const rejection = (err.cause.details?.[0] ?? {}) as { field?: string; status?: string };
      const details = rejection.field ? [{ field: rejection.field, message: err.cause.message }] : [];
      return new ApiError(mapped[0], mapped[1], err.cause.message, details, rejection.status ? { status: rejection.status } : {});
    }
  }
  if (err instanceof WorkflowNotFoundError) return ApiError.notFound('案件');
  // No answer in time (server down, or no worker polling): the call may be retried with the same Idempotency-Key.
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return ApiError.unavailable('案件处理服务（Temporal）');
  if (err instanceof ServiceError || isGrpcServiceError(err)) return ApiError.unavailable('Temporal 工作流服务');
  if (e?.code && pgUnavailableCodes.has(e.code)) return ApiError.unavailable('数据库');
  if (e?.message?.includes('Timeout acquiring a connection')) return ApiError.unavailable('数据库');
  // pg reports a server killed mid-query with no code, only this message (seen in the chaos drill).
  if (e?.message?.includes('Connection terminated unexpectedly')) return ApiError.unavailable('数据库');
  return new ApiError(500, 'INTERNAL', '服务器内部错误');
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    const apiError = toApiError(err);
    // A stream (SSE) that fails after its headers went out can only be cut; Express's own handler does that.
    if (res.headersSent) {
      if (apiError.status >= 500) log.error({ err, reqId: req.id, path: req.path }, 'request failed after headers were sent');
      return next(err);
    }
    if (apiError.status >= 500) log.error({ err, reqId: req.id, path: req.path }, 'request failed');
    res.status(apiError.status).json({
      error: { code: apiError.code, message: apiError.message, details: apiError.details, ...apiError.extra },
    });
  };
}
