import { useEffect, useMemo, useState } from 'react';
import { request } from '../api/http';
import type { Category } from '../api/types';
import { suggestCategories } from '../lib/category-suggest';

export interface SuggestedCategory {
  id: string;
  name: string;
}

export interface PossibleDuplicate {
  id: string;
  caseNo: string;
  title: string;
  score: number;
  reason: string;
}

interface TriageAnswer {
  categories: { category: string; name: string; score: number }[];
  duplicates: PossibleDuplicate[];
}

export interface IntakeSuggestions {
  categories: SuggestedCategory[];
  duplicates: PossibleDuplicate[];
  /** 'model': 智能分拨 answered (POST /triage/suggestions); 'words': only the client-side match of names and keywords. */
  source: 'model' | 'words';
}

const waitMs = 600;

/**
 * Categories (and possible duplicates) for what the clerk has typed so far: the triage model's suggestions
 * when the API gives them, the words of the category names and descriptions otherwise, merged so that a
 * category named in the text is never missing. Asked once the typing pauses; never blocks the form.
 */
export function useIntakeSuggestions(categories: Category[], input: { title?: string; description?: string; communityId?: string; phone?: string }): IntakeSuggestions {
  const { title = '', description = '', communityId, phone } = input;
  const byWords = useMemo(() => suggestCategories(categories, `${title} ${description}`), [categories, title, description]);
  const [answer, setAnswer] = useState<TriageAnswer | null>(null);

  useEffect(() => {
    const said = description.trim() || title.trim();
    if (said.length < 4) {
      setAnswer(null);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      const body = {
        ...(title.trim() ? { title: title.trim() } : {}),
        description: said,
        ...(communityId ? { location: { communityId } } : {}),
        ...(phone && /^\+?[0-9 -]{5,20}$/.test(phone.trim()) ? { reporter: { phone: phone.trim() } } : {}),
      };
      request<TriageAnswer>('POST', '/triage/suggestions', { body, signal: controller.signal })
        .then((a) => !controller.signal.aborted && setAnswer(a))
        // No model yet, or the service is down: the words still suggest.
        .catch(() => !controller.signal.aborted && setAnswer(null));
    }, waitMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [title, description, communityId, phone]);

  return useMemo(() => {
    const fromModel = (answer?.categories ?? []).slice(0, 3).map((c) => ({ id: c.category, name: c.name }));
    const fromWords = byWords.map((s) => ({ id: s.category.id, name: s.category.name })).filter((w) => !fromModel.some((m) => m.id === w.id));
    return {
      categories: [...fromModel, ...fromWords].slice(0, 4),
      duplicates: answer?.duplicates ?? [],
      source: fromModel.length ? 'model' : 'words',
    };
  }, [answer, byWords]);
}
