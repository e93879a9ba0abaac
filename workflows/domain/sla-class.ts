import type { SlaClassName, Urgency } from './terms';

/**
 * Which deadline class a new case falls in: risk to life or property is urgent whatever its category;
 * otherwise the category decides (utilities run 7×24). "complex" is only ever reached by an approved mark.
 */
export function slaClassFor(urgency: Urgency, categoryClass: SlaClassName): SlaClassName {
  if (urgency === 'urgent') return 'urgent';
  return categoryClass === 'complex' ? 'general' : categoryClass;
}
