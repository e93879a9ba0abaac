import { zh } from './terms';
import type { CaseState } from './types';

/**
 * Why a command was refused. `code` is what the API maps to a status:
 * INVALID_STATE → 409, FORBIDDEN → 403, VALIDATION_FAILED → 400.
 */
export interface Rejection {
  code: 'INVALID_STATE' | 'FORBIDDEN' | 'VALIDATION_FAILED';
  message: string;
  /** The case status at the time, so a client can show why. */
  status?: string;
  field?: string;
}

export function invalidState(state: CaseState, action: string): Rejection {
  return {
    code: 'INVALID_STATE',
    message: `案件当前状态为「${zh.status[state.status]}」（${state.status}），不能${action}`,
    status: state.status,
  };
}

export function forbidden(message: string): Rejection {
  return { code: 'FORBIDDEN', message };
}

export function invalid(field: string, message: string): Rejection {
  return { code: 'VALIDATION_FAILED', message, field };
}
