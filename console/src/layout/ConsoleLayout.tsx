import { Button, Layout, Menu, Space, Spin, Tag, Typography } from 'antd';
import { Link, Navigate, Outlet, useLocation } from 'react-router-dom';
import { ErrorNotice } from '../components/ErrorNotice';
import { useSession } from '../session';
import { menuFor } from '../menu';
import { term } from '../terms';

/** The frame of every logged-in page: the role's menu on the left, who is logged in at the top. */
export function ConsoleLayout() {
  const { me, checking, checkError, recheck, logout } = useSession();
  const location = useLocation();
  if (checking) return <Spin size="large" description="正在验证登录…" fullscreen />;
  if (!me && checkError) {
    return (
      <div style={{ maxWidth: 560, margin: '120px auto' }}>
        <ErrorNotice error={checkError} onRetry={recheck} />
      </div>
    );
  }
  if (!me) return <Navigate to="/console/login" replace state={{ from: location.pathname }} />;
  const entries = menuFor(me.role);
  const selected = entries.find((e) => location.pathname.startsWith(e.path))?.path;
  const scope = me.unit?.name ?? me.jurisdiction?.name;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={208} theme="light" breakpoint="lg" collapsedWidth={0}>
        <div style={{ padding: '16px 20px', fontWeight: 600, fontSize: 16 }}>接诉即办 工作台</div>
        <Menu
          mode="inline"
          selectedKeys={selected ? [selected] : []}
          items={[
            ...entries.map((e) => ({ key: e.path, label: <Link to={e.path}>{e.label}</Link> })),
            { type: 'divider' as const },
            { key: 'public', label: <a href="/public" target="_blank" rel="noreferrer">公开栏</a> },
          ]}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: '#fff', padding: '0 24px', display: 'flex', justifyContent: 'flex-end', alignItems: 'center' }}>
          <Space>
            <Typography.Text strong>{me.displayName}</Typography.Text>
            <Tag color="blue">{term('role', me.role)}</Tag>
            {scope && <Typography.Text type="secondary">{scope}</Typography.Text>}
            <Button size="small" onClick={logout}>
              退出登录
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
