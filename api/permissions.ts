import type { RequestHandler } from 'express';
import type { CaseScope } from '../db/queries/case-lists';
import type { AuthenticatedUser } from '../db/queries/users';
import { roles, type Role } from '../workflows/domain';
import { ApiError } from './errors';

/**
 * How far a permission reaches, once the role is allowed:
 * - `none`: nothing to narrow (reference data everyone reads; admin-only writes that are city-wide anyway);
 * - `case`: cases located in the user's jurisdiction subtree, or, for a liaison, cases assigned to their unit
 *   (`canSeeCase`): a list is filtered, one named case out of scope is a 403;
 * - `intake`: the place of a new case lies in the user's subtree;
 * - `jurisdiction`: rows about cases located in the user's subtree (alerts, audit, KPIs): filtered.
 * What depends on the case's state (the tier dispatcher, the lead unit's liaison, the direct handler) is the
 * case workflow's to decide; it answers 403 or 409 without changing anything.
 */
export type ScopeKind = 'none' | 'case' | 'intake' | 'jurisdiction';

export interface PermissionRule {
  roles: readonly Role[];
  scope: ScopeKind;
}

const everyone = roles;

/** The one table: action → who and how far. Routes name an action; nothing else decides who may call them. */
export const permissions = {
  'cases.open': { roles: ['clerk', 'gridWorker'], scope: 'intake' },
  'cases.read': { roles: everyone, scope: 'case' },
  'cases.handleDirectly': { roles: ['dispatcher', 'gridWorker'], scope: 'case' },
  'cases.dispatch': { roles: ['dispatcher'], scope: 'case' },
  'cases.accept': { roles: ['liaison'], scope: 'case' },
  'cases.reject': { roles: ['liaison'], scope: 'case' },
  'cases.resolve': { roles: ['liaison', 'dispatcher', 'gridWorker'], scope: 'case' },
  'cases.callback': { roles: ['clerk'], scope: 'case' },
  'cases.agreement': { roles: ['dispatcher'], scope: 'case' },
  'cases.progress': { roles: ['liaison', 'dispatcher', 'gridWorker'], scope: 'case' },
  'cases.extension': { roles: ['liaison'], scope: 'case' },
  'cases.extensionDecision': { roles: ['supervisor'], scope: 'case' },
  'cases.pause': { roles: ['liaison', 'dispatcher', 'gridWorker'], scope: 'case' },
  'cases.resume': { roles: ['liaison', 'dispatcher', 'gridWorker', 'clerk'], scope: 'case' },
  'cases.escalate': { roles: ['dispatcher', 'supervisor'], scope: 'case' },
  'cases.complex': { roles: ['dispatcher'], scope: 'case' },
  'cases.complexDecision': { roles: ['supervisor'], scope: 'case' },
  'cases.withdraw': { roles: ['clerk'], scope: 'case' },
  'cases.merge': { roles: ['dispatcher'], scope: 'case' },
  'cases.recategorize': { roles: ['dispatcher'], scope: 'case' },
  // Smart dispatch: suggestions while a request is taken; duplicates only among cases of the caller's subtree.
  'triage.suggest': { roles: ['clerk', 'gridWorker', 'dispatcher'], scope: 'jurisdiction' },
  'alerts.read': { roles: ['supervisor', 'dispatcher', 'admin'], scope: 'jurisdiction' },
  'alerts.ack': { roles: ['supervisor', 'dispatcher', 'admin'], scope: 'jurisdiction' },
  'kpis.read': { roles: ['supervisor', 'admin'], scope: 'jurisdiction' },
  'reference.read': { roles: everyone, scope: 'none' },
  'me.read': { roles: everyone, scope: 'none' },
  // The public board: anyone, with a token or without (the route is mounted before authentication).
  'public.read': { roles: everyone, scope: 'none' },
  'users.create': { roles: ['admin'], scope: 'none' },
  'tokens.read': { roles: ['admin'], scope: 'none' },
  'tokens.revoke': { roles: ['admin'], scope: 'none' },
  // Admins read the whole trail; a supervisor, the refused attempts on cases of their subtree.
  'audit.read': { roles: ['admin', 'supervisor'], scope: 'jurisdiction' },
  'calendar.read': { roles: everyone, scope: 'none' },
  'calendar.write': { roles: ['admin'], scope: 'none' },
  'sla.read': { roles: everyone, scope: 'none' },
  'sla.write': { roles: ['admin'], scope: 'none' },
  // Decoded payloads hold reporters unmasked, across every jurisdiction: platform administrators only.
  'codec.use': { roles: ['admin'], scope: 'none' },
  // Open311 clients and their api keys (the key is shown once, at creation): platform administrators only.
  'open311.clients.read': { roles: ['admin'], scope: 'none' },
  'open311.clients.write': { roles: ['admin'], scope: 'none' },
  // Alert webhooks (告警推送): a supervisor registers and manages those of their subtree; an admin, any jurisdiction's.
  'webhooks.read': { roles: ['supervisor', 'admin'], scope: 'jurisdiction' },
  'webhooks.write': { roles: ['supervisor', 'admin'], scope: 'jurisdiction' },
} as const satisfies Record<string, PermissionRule>;

export type Permission = keyof typeof permissions;

export const mayAct = (role: Role, permission: Permission): boolean => (permissions[permission].roles as readonly Role[]).includes(role);

/** The role half of the table; the scope half needs the object and is applied by the route with the helpers below. */
export function requirePermission(permission: Permission): RequestHandler {
  return (req, _res, next) => {
    if (!req.user || !mayAct(req.user.role, permission)) return next(ApiError.forbidden('当前角色无权执行此操作'));
    next();
  };
}

const underPath = (path: string, userPath: string | null): boolean => userPath !== null && userPath !== '' && path.startsWith(userPath);

/**
 * A user sees the cases located in their jurisdiction subtree (a grid worker placed on a grid: the community
 * above it); a liaison, the cases their unit was ever assigned; an admin, all.
 */
export function canSeeCase(user: AuthenticatedUser, info: { path: string; unitIds: string[] }): boolean {
  if (user.role === 'admin') return true;
  if (user.role === 'liaison') return user.unitId !== null && info.unitIds.includes(user.unitId);
  return isPlaceInSubtree(user, info.path);
}

/** The same rule as `canSeeCase`, as a filter on the read model. */
export function caseListScope(user: AuthenticatedUser): CaseScope {
  if (user.role === 'admin') return { kind: 'all' };
  if (user.role === 'liaison') return { kind: 'unit', unitId: user.unitId ?? '' };
  return { kind: 'jurisdiction', path: user.jurisdictionPath ?? '/nowhere/' };
}

/** A community in the user's subtree, or, for a user placed on a grid, the community above it. */
const isPlaceInSubtree = (user: AuthenticatedUser, communityPath: string): boolean =>
  !!user.jurisdictionPath && (underPath(communityPath, user.jurisdictionPath) || user.jurisdictionPath.startsWith(communityPath));

/**
 * A caller's earlier cases by phone: the phone is the reporter's data, so only the roles that always see
 * reporters in full (the clerk who takes the call, the admin) may search by it.
 */
export const maySearchByPhone = (user: AuthenticatedUser): boolean => user.role === 'clerk' || user.role === 'admin';

/** Intake follows the same rule as seeing a case: report only about places one works for. */
export const mayReportAt = isPlaceInSubtree;

/**
 * Rows about cases (alerts, audit, KPIs) are filtered by where the case is located: the path prefix of the
 * user's subtree, or null for everything (admin). A user without a jurisdiction gets a path that matches nothing.
 */
export const jurisdictionScope = (user: AuthenticatedUser): string | null =>
  user.role === 'admin' ? null : (user.jurisdictionPath ?? '/nowhere/');

// ---------------------------------------------------------------------------------------------------------
// The route registry: every /api/v1 route says which action it is, so tests can walk all of them.

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

export interface RegisteredRoute {
  method: HttpMethod;
  /** Express pattern under /api/v1, e.g. `/cases/:id/accept`. */
  path: string;
  permission: Permission;
}

const registered = new Map<string, RegisteredRoute>();
let matchers: { route: RegisteredRoute; pattern: RegExp }[] | null = null;

/** Called by `defineRoute` (and by hand-written routes such as the SSE stream); repeat apps add nothing new. */
export function recordRoute(route: RegisteredRoute): void {
  const key = `${route.method} ${route.path}`;
  const known = registered.get(key);
  if (known && known.permission !== route.permission) {
    throw new Error(`route ${key} registered twice with different permissions (${known.permission}, ${route.permission})`);
  }
  if (!known) {
    registered.set(key, route);
    matchers = null;
  }
}

/** Every route registered in this process, in registration order (which is Express's matching order). */
export const registeredRoutes = (): RegisteredRoute[] => [...registered.values()];

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The registered route a request path (under /api/v1, no query) falls on, so that audit rows name the pattern
 * and never the raw URL, even for requests refused before Express matched a route (401, 429, 413).
 */
export function routeFor(method: string, path: string): RegisteredRoute | null {
  matchers ??= registeredRoutes().map((route) => ({
    route,
    pattern: new RegExp(
      `^${route.path
        .split('/')
        .map((seg) => (seg.startsWith(':') ? '[^/]+' : escapeRegExp(seg)))
        .join('/')}/?$`,
    ),
  }));
  const m = method.toLowerCase();
  return matchers.find((x) => x.route.method === m && x.pattern.test(path))?.route ?? null;
}
