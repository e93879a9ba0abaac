import type { RequestHandler, Request } from 'express';
import type { Db } from '../db/connection';
import { AuthenticatedUser, findUserByToken } from '../db/queries/users';
import type { Actor, Role } from '../workflows/domain';
import { ApiError } from './errors';

declare module 'express-serve-static-core' {
  interface Request {
    user?: AuthenticatedUser;
  }
}

/** Every /api/v1 route needs a valid bearer token; the token itself is never logged. */
export function authenticate(db: Db): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return next(new ApiError(401, 'UNAUTHORIZED', '缺少访问令牌（Authorization: Bearer <token>）'));
    const user = await findUserByToken(db, match[1]!);
    if (!user) return next(new ApiError(401, 'UNAUTHORIZED', '访问令牌无效、已过期或已吊销'));
    req.user = user;
    req.log?.setBindings?.({ userId: user.id, role: user.role });
    next();
  };
}

/**
 * Who may call what, by role. Scope (which cases) is checked per case by `assertCaseInScope`;
 * the case workflow then checks what depends on the case's state (e.g. the liaison of an assigned unit).
 */
export const permissions = {
  'cases.open': ['clerk', 'gridWorker'],
  'cases.read': ['clerk', 'gridWorker', 'dispatcher', 'liaison', 'supervisor', 'admin'],
  'cases.handleDirectly': ['dispatcher', 'gridWorker'],
  'cases.dispatch': ['dispatcher'],
  'cases.accept': ['liaison'],
  'cases.reject': ['liaison'],
  'cases.resolve': ['liaison', 'dispatcher', 'gridWorker'],
  'cases.callback': ['clerk'],
  'cases.agreement': ['dispatcher'],
  'cases.progress': ['liaison', 'dispatcher', 'gridWorker'],
  'cases.extension': ['liaison'],
  'cases.extensionDecision': ['supervisor'],
  'cases.pause': ['liaison', 'dispatcher', 'gridWorker'],
  'cases.resume': ['liaison', 'dispatcher', 'gridWorker', 'clerk'],
  'cases.escalate': ['dispatcher', 'supervisor'],
  'cases.complex': ['dispatcher'],
  'cases.complexDecision': ['supervisor'],
  'cases.withdraw': ['clerk'],
  'cases.merge': ['dispatcher'],
  'alerts.read': ['supervisor', 'dispatcher', 'admin'],
  'reference.read': ['clerk', 'gridWorker', 'dispatcher', 'liaison', 'supervisor', 'admin'],
  'users.create': ['admin'],
  'calendar.read': ['clerk', 'gridWorker', 'dispatcher', 'liaison', 'supervisor', 'admin'],
  'calendar.write': ['admin'],
  'sla.read': ['supervisor', 'dispatcher', 'admin'],
  'sla.write': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;

export function requirePermission(permission: Permission): RequestHandler {
  return (req, _res, next) => {
    const allowed: readonly Role[] = permissions[permission];
    if (!req.user || !allowed.includes(req.user.role)) return next(ApiError.forbidden('当前角色无权执行此操作'));
    next();
  };
}

export const currentUser = (req: Request): AuthenticatedUser => {
  if (!req.user) throw new ApiError(401, 'UNAUTHORIZED', '缺少访问令牌');
  return req.user;
};

export const toActor = (user: AuthenticatedUser): Actor => ({
  userId: user.id,
  username: user.username,
  displayName: user.displayName,
  role: user.role,
  jurisdictionId: user.jurisdictionId,
  jurisdictionPath: user.jurisdictionPath,
  unitId: user.unitId,
});
