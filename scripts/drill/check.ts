/** One verification of a drill round: how many things it looked at, and each one that was wrong. */
export interface Failure {
  caseId: string | null;
  detail: string;
}

export interface CheckResult {
  /** Chinese first, then English, as the table prints it. */
  title: string;
  checked: number;
  failures: Failure[];
  /** What the count means, or extra figures (e.g. how many of them fell inside an outage). */
  note?: string;
}

export class CheckBuilder {
  checked = 0;
  readonly failures: Failure[] = [];
  constructor(readonly title: string) {}

  fail(caseId: string | null, detail: string): void {
    this.failures.push({ caseId, detail });
  }

  result(note?: string): CheckResult {
    return { title: this.title, checked: this.checked, failures: this.failures, ...(note ? { note } : {}) };
  }
}

/** Where two JSON values first differ, as a path and both sides (null when they are equal). */
export function firstDifference(a: unknown, b: unknown, path = '$'): string | null {
  if (a === b) return null;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') {
    return `${path}: ${short(a)} ≠ ${short(b)}`;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: ${short(a)} ≠ ${short(b)}`;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}.length: ${a.length} ≠ ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  // A key that is absent on one side and undefined on the other is the same JSON.
  const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
  for (const k of keys) {
    const d = firstDifference(left[k], right[k], `${path}.${k}`);
    if (d) return d;
  }
  return null;
}

function short(v: unknown): string {
  const text = v === undefined ? 'undefined' : JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A value as it comes back from a jsonb column: what JSON keeps of it. */
export const asJson = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));
