import type { Jurisdiction } from '../../api/types';

/** Communities and villages, labelled with their street or town, for a picker searchable by either name. */
export function communityOptions(jurisdictions: Jurisdiction[]) {
  const names = new Map(jurisdictions.map((j) => [j.id, j.name]));
  return jurisdictions
    .filter((j) => j.level === 'community')
    .map((j) => ({ value: j.id, label: `${j.name}（${names.get(j.parentId ?? '') ?? ''}）` }));
}

export const gridOptions = (jurisdictions: Jurisdiction[], communityId: string | undefined) =>
  jurisdictions.filter((j) => j.level === 'grid' && j.parentId === communityId).map((j) => ({ value: j.id, label: j.name }));
