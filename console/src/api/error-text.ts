import { ApiFailure } from './http';

export interface ErrorText {
  /** What went wrong, in Chinese. */
  title: string;
  /** One line per bad field, when the API named them. */
  details: string[];
  /** What to do next. */
  next: string;
}

/** Every error the console shows goes through here: Chinese, and always with what to do next. */
export function errorText(err: unknown): ErrorText {
  if (!(err instanceof ApiFailure)) {
    return { title: '页面出现意外错误', details: [String((err as Error)?.message ?? err)], next: '请刷新页面后重试；如持续出现请联系管理员' };
  }
  const details = err.details.map((d) => (d.field && d.field !== '(body)' ? `${d.field}：${d.message}` : d.message));
  switch (err.status) {
    case 0:
      return { title: '无法连接服务器', details: [], next: '请检查网络连接后重试' };
    case 400:
      return { title: err.message || '提交的内容有误', details, next: '请按提示修改后重新提交' };
    case 401:
      return { title: '登录已失效，请重新登录', details: [], next: '请向管理员获取新的令牌后重新登录' };
    case 403:
      return { title: `无权限：${err.message}`, details, next: '该操作不在您的角色或辖区范围内，如需办理请联系上级或管理员' };
    case 404:
      return { title: err.message || '未找到', details, next: '请核对编号后重试' };
    case 409:
      return { title: err.message, details, next: '案件状态已变化，请刷新查看最新状态后再操作' };
    case 413:
      return { title: '提交的内容过大', details, next: '请精简内容（如附件链接数量）后重试' };
    case 429:
      return { title: '请求过于频繁，请稍后重试', details: [], next: '请等待一分钟后再操作' };
    case 503:
      return { title: '服务暂时不可用，请稍后重试', details: [], next: '系统依赖的服务正在恢复，请稍后重试；您填写的内容已保留' };
    default:
      return {
        title: err.status >= 500 ? '服务器出错' : err.message,
        details,
        next: err.status >= 500 ? '请稍后重试；如持续出现请联系管理员' : '请检查后重试',
      };
  }
}
