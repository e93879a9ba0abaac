import { useEffect, useState } from 'react';
import { api } from '../api/http';
import type { Category, Jurisdiction, Unit } from '../api/types';

/** Reference data (categories, jurisdictions, units): read once per session and shared by every page. */
export interface Reference {
  categories: Category[];
  jurisdictions: Jurisdiction[];
  units: Unit[];
}

export interface ReferenceData extends Reference {
  ready: boolean;
  error: unknown;
  categoryName: (id: string | null | undefined) => string;
  unitName: (id: string | null | undefined) => string;
  placeName: (id: string | null | undefined) => string;
}

let cached: Promise<Reference> | null = null;

export function forgetReference(): void {
  cached = null;
}

function loadReference(): Promise<Reference> {
  cached ??= Promise.all([
    api.get<{ items: Category[] }>('/categories'),
    api.get<{ items: Jurisdiction[] }>('/jurisdictions'),
    api.get<{ items: Unit[] }>('/units'),
  ]).then(
    ([c, j, u]) => ({ categories: c.items, jurisdictions: j.items, units: u.items }),
    (err: unknown) => {
      cached = null; // the next page tries again
      throw err;
    },
  );
  return cached;
}

const empty: Reference = { categories: [], jurisdictions: [], units: [] };
const nameOf = (list: { id: string; name: string }[]) => {
  const names = new Map(list.map((x) => [x.id, x.name]));
  return (id: string | null | undefined) => (id ? (names.get(id) ?? id) : '—');
};

export function useReference(): ReferenceData {
  const [ref, setRef] = useState<Reference | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    loadReference().then(
      (r) => live && setRef(r),
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, []);
  const r = ref ?? empty;
  return {
    ...r,
    ready: ref !== null,
    error,
    categoryName: nameOf(r.categories),
    unitName: nameOf(r.units),
    placeName: nameOf(r.jurisdictions),
  };
}
