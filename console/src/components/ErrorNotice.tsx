import { Alert, Button } from 'antd';
import { errorText } from '../api/error-text';

/** An error in place: what went wrong, each bad field, and what to do next (with a retry when it helps). */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  const text = errorText(error);
  return (
    <Alert
      type="error"
      showIcon
      style={{ marginBottom: 16 }}
      title={text.title}
      description={
        <div>
          {text.details.length > 0 && (
            <ul style={{ margin: '4px 0', paddingLeft: 20 }}>
              {text.details.map((d) => (
                <li key={d}>{d}</li>
              ))}
            </ul>
          )}
          <div>{text.next}</div>
        </div>
      }
      action={
        onRetry && (
          <Button size="small" onClick={onRetry}>
            重试
          </Button>
        )
      }
    />
  );
}
