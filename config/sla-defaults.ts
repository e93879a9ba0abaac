/**
 * Default SLA policies (DOMAIN.md §5). These are only the starting values: the seed copies them into
 * `sla_policies` once, and from then on the table (edited by an admin) is what counts.
 */

import { slaClasses, type SlaClassName } from '../workflows/domain/terms';

// The one list of classes is the domain's; here are their defaults.
export { slaClasses };
export type SlaClass = SlaClassName;

export const slaBases = ['calendar', 'working'] as const;
/**
 * `calendar`: plain elapsed time, 7×24. `working`: office hours on the official working-day calendar.
 * Applies to triage, respond, resolve and repeatOverdue; the callback window is always working days.
 */
export type SlaBasis = (typeof slaBases)[number];

export interface SlaPolicy {
  /** Handle directly or dispatch; restarts at each tier the case climbs to. */
  triage: string;
  /** A dispatched unit accepts or rejects. */
  respond: string;
  /** Resolution (and feedback to the citizen). */
  resolve: string;
  /**
   * Window after resolution for the citizen callback. Always counted in working days, whatever `basis`
   * says: the callback is office work (DOMAIN.md §5, "3 working days after resolution") even when the
   * repair itself ran 7×24.
   */
  callback: string;
  /** Interval between repeated overdue alerts once the case has nowhere left to climb; counted on `basis`. */
  repeatOverdue: string;
  /** Fraction of the time allowed after which a warning (预警) goes out. */
  warnAt: number;
  basis: SlaBasis;
  /** Basis of the callback window: working days unless a drill sets elapsed time. */
  callbackBasis?: SlaBasis;
  /** Longest wait for the citizen's information before the resolve clock runs again by itself; on `basis`. */
  maxPause?: string;
}

/** DOMAIN.md §5 bounds the wait but names no number: five days of the class's basis, editable per class. */
export const defaultMaxPause = 'P5D';

export function isSlaClass(value: unknown): value is SlaClass {
  return typeof value === 'string' && (slaClasses as readonly string[]).includes(value);
}

export const defaultSlaPolicies: Readonly<Record<SlaClass, Readonly<SlaPolicy>>> = Object.freeze({
  urgent: Object.freeze({
    triage: 'PT15M',
    respond: 'PT30M',
    resolve: 'PT2H',
    callback: 'P3D',
    // "One working day" would let a risk to life sit a whole night or weekend between alerts on a 7×24
    // class; repeating at the length of the resolve window keeps supervisors on it around the clock.
    repeatOverdue: 'PT2H',
    warnAt: 0.8,
    basis: 'calendar',
  }),
  utility: Object.freeze({
    triage: 'PT30M',
    respond: 'PT2H',
    resolve: 'PT24H',
    callback: 'P3D',
    // Households without water, power or heat: remind once per duty shift (8 h), day and night,
    // rather than once a day.
    repeatOverdue: 'PT8H',
    warnAt: 0.8,
    basis: 'calendar',
  }),
  general: Object.freeze({
    triage: 'PT2H',
    respond: 'P1D',
    resolve: 'P5D',
    callback: 'P3D',
    repeatOverdue: 'P1D',
    warnAt: 0.8,
    basis: 'working',
  }),
  complex: Object.freeze({
    triage: 'P1D',
    respond: 'P1D',
    resolve: 'P15D',
    callback: 'P3D',
    repeatOverdue: 'P1D',
    warnAt: 0.8,
    basis: 'working',
  }),
});
