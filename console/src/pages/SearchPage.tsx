import { Card, Input, Select, Space } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { Case } from '../api/types';
import { ExportButtons } from '../components/ExportButtons';
import { PagedCases } from '../components/PagedCases';
import { PageHeader } from '../components/PageHeader';
import { useCursorList } from '../hooks/useCursorList';
import { zh } from '../terms';

/** 案件查询: by words (title, description, address) and status, within the user's scope. */
export function SearchPage() {
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  // A case number goes straight to its page; anything else searches the text.
  const search = (v: string) => (/^\d{8,20}$/.test(v.trim()) ? void navigate(`/console/cases/${v.trim()}`) : setQ(v.trim()));
  const [status, setStatus] = useState<string | undefined>();
  const list = useCursorList<Case>('/cases', { q: q || undefined, status, limit: 20 });
  return (
    <>
      <PageHeader title="案件查询" extra={<ExportButtons path="/cases/export" query={{ q: q || undefined, status }} name="案件列表" />}>
        只列出您的辖区或单位范围内的案件；导出的文件与列表一致（诉求人信息同样脱敏）。
      </PageHeader>
      <Card>
        <Space wrap style={{ marginBottom: 16 }}>
          <Input.Search placeholder="案件编号，或标题、内容、地址中的文字" allowClear enterButton="查询" style={{ width: 360 }} onSearch={search} />
          <Select
            allowClear
            placeholder="全部状态"
            style={{ width: 160 }}
            value={status}
            onChange={setStatus}
            options={Object.entries(zh.status).map(([value, label]) => ({ value, label }))}
          />
        </Space>
        <PagedCases
          list={list}
          empty="没有符合条件的案件"
        />
      </Card>
    </>
  );
}
