import { DatePicker, Layout, Menu, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import { Link, Outlet, useLocation, useOutletContext, useSearchParams } from 'react-router-dom';

const sections = [
  { path: '/public', label: '办理概况' },
  { path: '/public/scorecards', label: '单位评分' },
  { path: '/public/cases', label: '最新诉求' },
  { path: '/public/lookup', label: '进度查询' },
];

export interface PublicContext {
  month: string;
}

export const usePublicMonth = () => useOutletContext<PublicContext>().month;

/** 公开栏: no login; the month (YYYY-MM, in the address so a link shows the same figures) for every section. */
export function PublicLayout() {
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const month = /^\d{4}-\d{2}$/.test(params.get('month') ?? '') ? params.get('month')! : dayjs().format('YYYY-MM');
  const active = sections.find((s) => s.path === location.pathname.replace(/\/$/, ''))?.path ?? '/public';
  const keepMonth = (path: string) => (params.get('month') ? `${path}?month=${month}` : path);
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 24, background: '#b71c1c' }}>
        <Typography.Title level={4} style={{ color: '#fff', margin: 0, whiteSpace: 'nowrap' }}>
          接诉即办 · 公开栏
        </Typography.Title>
        <Menu
          theme="dark"
          mode="horizontal"
          selectedKeys={[active]}
          style={{ flex: 1, background: 'transparent', minWidth: 0 }}
          items={sections.map((s) => ({ key: s.path, label: <Link to={keepMonth(s.path)}>{s.label}</Link> }))}
        />
      </Layout.Header>
      <Layout.Content style={{ padding: 24, maxWidth: 1200, width: '100%', margin: '0 auto' }}>
        {active !== '/public/lookup' && (
          <Space style={{ marginBottom: 16 }}>
            统计月份
            <DatePicker
              picker="month"
              allowClear={false}
              value={dayjs(`${month}-01`)}
              disabledDate={(d) => d.isAfter(dayjs(), 'month')}
              onChange={(d) => d && setParams({ month: d.format('YYYY-MM') })}
            />
          </Space>
        )}
        <Outlet context={{ month } satisfies PublicContext} />
      </Layout.Content>
      <Layout.Footer style={{ textAlign: 'center', color: '#888' }}>
        公开栏不显示诉求人的姓名、电话；诉求内容仅在诉求人同意公开时显示。指标定义见各列说明。
      </Layout.Footer>
    </Layout>
  );
}
