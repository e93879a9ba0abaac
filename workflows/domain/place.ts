/** Where a case is, and who holds it: the tiers it climbs and the jurisdiction nodes above it. */
import { Tier, tiers } from './terms';
import type { Actor, CaseState } from './types';

export const nextTier = (tier: Tier): Tier | null => tiers[tiers.indexOf(tier) + 1] ?? null;

/** The jurisdiction node whose dispatcher and supervisors act for the case at a tier. */
export function tierNode(state: CaseState, tier: Tier = state.tier): string {
  const { communityId, streetId, cityId } = state.location;
  return tier === 'community' ? communityId : tier === 'street' ? streetId : cityId;
}

/** The nodes from the root down to the case's community (a district included), from the case's path. */
export const placeIds = (state: CaseState): string[] =>
  state.location.path ? state.location.path.split('/').filter(Boolean) : [state.location.cityId, state.location.streetId, state.location.communityId];

/** The actor works at a node on the case's way to the root: their subtree holds the case. */
export const scopeHoldsCase = (actor: Actor, state: CaseState): boolean => placeIds(state).includes(actor.jurisdictionId ?? '');

/** The actor works at the node of the case's tier or above it (the district above a street, say). */
export function isAtOrAboveTier(actor: Actor, state: CaseState): boolean {
  const ids = placeIds(state);
  const here = ids.indexOf(tierNode(state));
  return here >= 0 && ids.slice(0, here + 1).includes(actor.jurisdictionId ?? '');
}

