import { Typography } from 'antd';
import { formatTime } from '../lib/format';
import { isLate } from '../lib/deadlines';

/** A deadline as an instant and as the time left in working terms ("剩余 1 个工作日 3 小时"), red once passed. */
export function DeadlineText({ at, left }: { at: string | null | undefined; left?: string }) {
  if (!at) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <span>
      <div>{formatTime(at)}</div>
      {left && <Typography.Text type={isLate(left) ? 'danger' : 'secondary'}>{left}</Typography.Text>}
    </span>
  );
}
