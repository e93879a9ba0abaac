import type { RequestHandler, Request } from 'express';
import type { Db } from '../db/connection';
import { AuthenticatedUser, findUserByToken } from '../db/queries/users';
import type { Actor } from '../workflows/domain';
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
    // Token use is logged by id (with the user), never the secret itself.
    req.log?.setBindings?.({ userId: user.id, role: user.role, tokenId: user.tokenId });
    next();
  };
}

// The permission table (role × action × scope) and its checks live in ./permissions; re-exported for routes.
export { permissions, requirePermission, type Permission } from './permissions';

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
