import { Card, Descriptions, Tag } from 'antd';
import type { ReactNode } from 'react';
import type { Case } from '../../api/types';
import { useReference } from '../../hooks/useReference';
import { formatDuration, formatTime } from '../../lib/format';
import { term } from '../../terms';

type Item = { key: string; label: string; children: ReactNode };

/** How the case is being handled: agreement, extension, complex mark, escalations, result, rating. */
export function HandlingCard({ c }: { c: Case }) {
  const { unitName } = useReference();
  const items: Item[] = [];
  if (c.agreement) {
    items.push({ key: 'plan', label: '商定方案', children: c.agreement.plan });
    items.push({ key: 'participants', label: '参会各方', children: c.agreement.participants.map((p) => [p.name, p.role, p.unitId && unitName(p.unitId)].filter(Boolean).join(' · ')).join('；') });
    if (c.agreement.costSharing) items.push({ key: 'cost', label: '费用分担', children: c.agreement.costSharing });
  }
  if (c.extension) {
    items.push({
      key: 'extension',
      label: '延期申请',
      children: <>{formatDuration(c.extension.duration)}：{c.extension.reason} <Tag>{term('decisionState', c.extension.state)}</Tag>{c.extension.note}</>,
    });
  }
  if (c.complexMark) {
    items.push({ key: 'complex', label: '复杂件认定', children: <>{c.complexMark.reason} <Tag>{term('decisionState', c.complexMark.state)}</Tag>{c.complexMark.note}</> });
  }
  c.escalations.forEach((e, i) =>
    items.push({ key: `esc-${i}`, label: '升级', children: `${formatTime(e.at)} ${term('tier', e.from)} → ${term('tier', e.to)}（${term('escalationCause', e.cause)}）${e.reason ?? ''}` }),
  );
  if (c.resolution) {
    items.push({
      key: 'resolution',
      label: '办理结果',
      children: (
        <>
          {c.resolution.summary}
          {c.resolution.explainedUnresolved && <Tag color="orange" style={{ marginLeft: 8 }}>已解释说明，未能解决</Tag>}
          {c.resolution.evidence.map((u) => (
            <div key={u}>
              <a href={u} target="_blank" rel="noreferrer noopener">{u}</a>
            </div>
          ))}
        </>
      ),
    });
  }
  if (c.rating) items.push({ key: 'rating', label: '回访评价', children: term('rating', c.rating) });
  if (c.notRated) items.push({ key: 'notRated', label: '回访评价', children: '回访期内未评价' });
  if (c.reopenCount > 0) items.push({ key: 'reopen', label: '重办次数', children: c.reopenCount });
  if (c.mergedInto) items.push({ key: 'merged', label: '已并入', children: c.mergedInto });
  if (items.length === 0) return null;
  return (
    <Card title="办理情况">
      <Descriptions column={1} size="small" items={items} />
    </Card>
  );
}
