import { Alert } from 'antd';
import { Link } from 'react-router-dom';
import type { PossibleDuplicate } from '../../hooks/useIntakeSuggestions';

/** Open cases that may be the same problem (并单 candidates), as the triage model finds them while typing. */
export function PossibleDuplicates({ duplicates }: { duplicates: PossibleDuplicate[] }) {
  if (duplicates.length === 0) return null;
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 16 }}
      title="可能与以下在办案件重复：如确为同一问题，可告知诉求人案件编号，由调度员并单"
      description={
        <ul style={{ margin: 0, paddingLeft: 20 }}>
          {duplicates.slice(0, 5).map((d) => (
            <li key={d.id}>
              <Link to={`/console/cases/${d.id}`} target="_blank">
                {d.caseNo}
              </Link>{' '}
              {d.title}（{d.reason}）
            </li>
          ))}
        </ul>
      }
    />
  );
}
