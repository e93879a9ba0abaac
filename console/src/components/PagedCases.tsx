import type { CaseAction } from '../actions/available-actions';
import { CaseActions } from '../actions/CaseActions';
import type { Case } from '../api/types';
import type { CursorList } from '../hooks/useCursorList';
import { CaseTable, type CaseTableProps } from './CaseTable';
import { ErrorNotice } from './ErrorNotice';

type PagedCasesProps = Omit<CaseTableProps, 'cases' | 'loading' | 'hasMore' | 'onLoadMore' | 'actions'> & {
  list: CursorList<Case>;
  /** The rows to show when the page filters what the list loaded (the list's own items otherwise). */
  cases?: Case[];
  /** Only these actions on each row (all the user may take otherwise). */
  only?: CaseAction[];
};

/** Every queue of the console: the list's error with a retry, its rows with "load more", and each row's actions. */
export function PagedCases({ list, cases, only, ...table }: PagedCasesProps) {
  return (
    <>
      <ErrorNotice error={list.error} onRetry={list.reload} />
      <CaseTable
        {...table}
        cases={cases ?? list.items}
        loading={list.loading}
        hasMore={list.hasMore}
        onLoadMore={list.loadMore}
        actions={(c) => <CaseActions target={c} onDone={list.reload} only={only} />}
      />
    </>
  );
}
