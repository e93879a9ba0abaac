import { Button, Descriptions, Result } from 'antd';
import { Link } from 'react-router-dom';
import type { Case } from '../../api/types';
import { DeadlineText } from '../../components/DeadlineText';
import { useReference } from '../../hooks/useReference';
import { term } from '../../terms';

/** What the clerk reads back to the caller: the case number, and when it will be handled. */
export function CreatedCase({ created, onNext }: { created: Case; onNext: () => void }) {
  const ref = useReference();
  return (
    <Result
      status="success"
      title={`已受理，案件编号 ${created.caseNo}`}
      subTitle="请将案件编号告知诉求人，可凭编号在公开栏查询办理进度。"
      extra={[
        <Link key="view" to={`/console/cases/${created.id}`}>
          <Button>查看案件</Button>
        </Link>,
        <Button key="next" type="primary" onClick={onNext}>
          受理下一件
        </Button>,
      ]}
    >
      <Descriptions
        column={2}
        size="small"
        bordered
        items={[
          { key: 'status', label: '状态', children: term('status', created.status) },
          { key: 'tier', label: '当前层级', children: term('tier', created.tier) },
          { key: 'category', label: '事项分类', children: ref.categoryName(created.category) },
          { key: 'sla', label: '时限类别', children: term('slaClass', created.slaClass) },
          { key: 'triageBy', label: '分派时限', span: 2, children: <DeadlineText at={created.deadlines.triageBy} left={created.timeLeft?.triageBy} /> },
        ]}
      />
    </Result>
  );
}
