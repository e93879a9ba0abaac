import { Button, Result } from 'antd';
import { Link } from 'react-router-dom';

export function NotFoundPage() {
  return (
    <Result
      status="404"
      title="页面不存在"
      subTitle="您访问的地址不存在，请从左侧菜单进入。"
      extra={
        <Link to="/console">
          <Button type="primary">返回首页</Button>
        </Link>
      }
    />
  );
}
