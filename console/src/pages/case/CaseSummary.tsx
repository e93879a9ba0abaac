import { Card, Descriptions, Tag } from 'antd';
import type { Case } from '../../api/types';
import { useReference } from '../../hooks/useReference';
import { formatTime } from '../../lib/format';
import { term } from '../../terms';

/** What was asked, where, by whom (masked unless the user may reach the citizen), and how it is handled. */
export function CaseSummary({ c }: { c: Case }) {
  const ref = useReference();
  const reporter = [c.reporter.name, c.reporter.phone].filter(Boolean).join(' ') || '匿名';
  return (
    <Card title="诉求信息">
      <Descriptions
        column={{ xs: 1, md: 2, xl: 3 }}
        size="small"
        items={[
          { key: 'type', label: '诉求类型', children: term('requestType', c.requestType) },
          { key: 'category', label: '事项分类', children: ref.categoryName(c.category) },
          { key: 'urgency', label: '紧急程度', children: c.urgency === 'urgent' ? <Tag color="red">紧急</Tag> : '一般' },
          { key: 'channel', label: '来源渠道', children: term('channel', c.channel) },
          { key: 'sla', label: '时限类别', children: term('slaClass', c.slaClass) },
          { key: 'mode', label: '办理方式', children: c.mode ? term('mode', c.mode) : c.assignments.length ? '派单办理' : '待分派' },
          { key: 'place', label: '社区（村）', children: `${ref.placeName(c.location.communityId)}（${ref.placeName(c.location.streetId)}）` },
          { key: 'address', label: '地址', span: 2, children: c.location.address },
          { key: 'reporter', label: '诉求人', children: reporter },
          { key: 'created', label: '受理时间', children: formatTime(c.createdAt) },
          { key: 'public', label: '公开', children: c.public ? '同意在公开栏展示' : '不公开' },
          { key: 'description', label: '诉求内容', span: 3, children: <div style={{ whiteSpace: 'pre-wrap' }}>{c.description}</div> },
          ...(c.attachments?.length
            ? [
                {
                  key: 'attachments',
                  label: '附件',
                  span: 3,
                  children: c.attachments.map((a) => (
                    <div key={a.url}>
                      {term('attachmentKind', a.kind)}：
                      <a href={a.url} target="_blank" rel="noreferrer noopener">
                        {a.url}
                      </a>
                    </div>
                  )),
                },
              ]
            : []),
        ]}
      />
    </Card>
  );
}
