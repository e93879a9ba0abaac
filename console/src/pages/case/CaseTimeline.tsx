import { Card, Timeline, Typography } from 'antd';
import type { TimelineEntry } from '../../api/types';
import { useReference } from '../../hooks/useReference';
import { formatTime } from '../../lib/format';
import { term } from '../../terms';
import { hiddenEvents, timelineDetail } from './timeline-detail';

const colorOf = (type: string) =>
  type.includes('reject') || type.includes('missed') || type.includes('failed') ? 'red' : type === 'escalated' || type === 'alert_raised' ? 'orange' : type === 'resolved' || type === 'callback_recorded' ? 'green' : 'blue';

/** 办理过程: every step, who took it and when, oldest first. */
export function CaseTimeline({ entries }: { entries: TimelineEntry[] }) {
  const { unitName } = useReference();
  const shown = entries.filter((e) => !hiddenEvents.has(e.type));
  return (
    <Card title="办理过程">
      <Timeline
        items={shown.map((e) => ({
          key: e.seq,
          color: colorOf(e.type),
          title: formatTime(e.at),
          content: (
            <div>
              <Typography.Text strong>{term('event', e.type)}</Typography.Text>
              {e.actor && <Typography.Text type="secondary">（{e.actor.displayName}）</Typography.Text>}
              {timelineDetail(e, { unitName }) && <div>{timelineDetail(e, { unitName })}</div>}
            </div>
          ),
        }))}
      />
    </Card>
  );
}
