import type { Category } from '../api/types';

/**
 * Suggests categories from what the clerk types, until the API's own suggestions (POST /triage/suggestions)
 * are there: each leaf category scores by the words of its name and of its description found in the text.
 * Whole terms weigh by their length; two-character pieces of the name weigh one each.
 */
export interface CategorySuggestion {
  category: Category;
  score: number;
}

const terms = (text: string): string[] =>
  text
    .split(/[\s、，,。；;：:（）()「」“”"'/／等及如或和与的]+/)
    .map((t) => t.trim())
    .filter((t) => t.length >= 2);

const bigrams = (text: string): string[] => {
  const chars = [...text];
  return chars.slice(0, -1).map((c, i) => c + chars[i + 1]);
};

export function suggestCategories(categories: Category[], text: string, limit = 3): CategorySuggestion[] {
  const said = text.trim();
  if (said.length < 2) return [];
  const scored = categories
    .filter((c) => c.parentId !== null)
    .map((category) => {
      let score = 0;
      for (const term of new Set([...terms(category.name), ...terms(category.description ?? '')])) {
        if (said.includes(term)) score += term.length;
      }
      for (const pair of new Set(bigrams(category.name.replace(/[^\p{Script=Han}\w]/gu, '')))) {
        if (said.includes(pair)) score += 1;
      }
      return { category, score };
    })
    .filter((s) => s.score > 0);
  return scored.sort((a, b) => b.score - a.score).slice(0, limit);
}
