import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { ApiFailure } from '../api/http';
import { ErrorNotice } from '../components/ErrorNotice';
import { homeOf } from '../menu';
import { useSession } from '../session';

/** Log in by pasting a token (`npm run cli -- token <用户名>`, or the one an administrator handed over). */
export function LoginPage() {
  const { me, login, expired } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [error, setError] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const from = (location.state as { from?: string } | null)?.from;
  if (me) return <Navigate to={from && from !== '/console/login' ? from : homeOf(me.role)} replace />;

  const submit = async ({ token }: { token: string }) => {
    setSending(true);
    setError(null);
    try {
      const user = await login(token);
      void navigate(from && from !== '/console/login' ? from : homeOf(user.role), { replace: true });
    } catch (err) {
      // At login a 401 means the pasted token is wrong, not that a session ran out.
      setError(err instanceof ApiFailure && err.status === 401 ? new ApiFailure(400, 'BAD_TOKEN', '令牌无效或已过期', [{ field: '', message: '请检查是否完整复制了令牌，或向管理员申请新的令牌' }]) : err);
    } finally {
      setSending(false);
    }
  };

  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#f0f2f5' }}>
      <Card style={{ width: 460 }} title="接诉即办 工作台登录">
        {expired && !error && <Alert type="warning" showIcon style={{ marginBottom: 16 }} title="登录已失效，请重新登录" />}
        <ErrorNotice error={error} />
        <Form layout="vertical" onFinish={(v: { token: string }) => void submit(v)}>
          <Form.Item name="token" label="访问令牌" rules={[{ required: true, whitespace: true, message: '请粘贴访问令牌' }]}>
            <Input.Password placeholder="粘贴管理员发给您的令牌" autoFocus autoComplete="off" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={sending}>
            登录
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0 }}>
          没有令牌？请联系系统管理员（管理员可运行 <Typography.Text code>npm run cli -- token 用户名</Typography.Text> 签发）。令牌只保存在本浏览器标签页中，关闭后需重新登录。
        </Typography.Paragraph>
      </Card>
    </div>
  );
}
