import { Card, Descriptions, Tag } from 'antd';
import type { Case, DeadlineKey } from '../../api/types';
import { DeadlineText } from '../../components/DeadlineText';
import { formatTime } from '../../lib/format';
import { zh } from '../../terms';

const keys: DeadlineKey[] = ['triageBy', 'respondBy', 'resolveBy', 'callbackBy'];

/** Each running deadline with the time left in working terms; a pause stops the resolve clock, visibly. */
export function DeadlinesCard({ c }: { c: Case }) {
  const present = keys.filter((k) => c.deadlines[k]);
  const ended = ['closed', 'withdrawn', 'merged'].includes(c.status);
  return (
    <Card title={ended ? '时限（案件已结束，仅供查阅）' : '时限'} extra={c.overdue && <Tag color="red">已超时</Tag>}>
      {c.paused && (
        <Tag color="orange" style={{ marginBottom: 12 }}>
          办结计时已暂停（{formatTime(c.paused.since)} 起，待补充材料：{c.paused.reason}）
        </Tag>
      )}
      <Descriptions
        column={1}
        size="small"
        items={
          present.length
            ? present.map((k) => ({ key: k, label: zh.deadline[k], children: <DeadlineText at={c.deadlines[k]} left={c.timeLeft?.[k]} /> }))
            : [{ key: 'none', label: '当前', children: '没有进行中的时限' }]
        }
      />
    </Card>
  );
}
