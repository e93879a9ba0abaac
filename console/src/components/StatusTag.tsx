import { Tag } from 'antd';
import { statusColor, term } from '../terms';

export function StatusTag({ status }: { status: string }) {
  return <Tag color={statusColor[status] ?? 'default'}>{term('status', status)}</Tag>;
}
