import type { Category } from '../../api/types';

/** Leaf categories grouped under their parent, as a Select's grouped options. */
export function categoryOptions(categories: Category[]) {
  const groups = categories.filter((c) => c.parentId === null);
  return groups
    .map((g) => ({
      label: g.name,
      title: g.name,
      options: categories.filter((c) => c.parentId === g.id).map((c) => ({ value: c.id, label: c.name })),
    }))
    .filter((g) => g.options.length > 0);
}
