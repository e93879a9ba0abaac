import { Card, List, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, isAbort } from '../../api/http';
import type { Case, Page } from '../../api/types';
import { ErrorNotice } from '../../components/ErrorNotice';
import { StatusTag } from '../../components/StatusTag';
import { formatTime } from '../../lib/format';

const looksLikePhone = (p: string) => /^\+?[0-9-]{5,20}$/.test(p) && p.replace(/\D/g, '').length >= 7;

/** The caller's earlier cases, as soon as a phone number is typed (clerks and admins only). */
export function CallerHistory({ phone }: { phone: string | undefined }) {
  const [cases, setCases] = useState<Case[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const number = phone?.trim() ?? '';

  useEffect(() => {
    setError(null);
    if (!looksLikePhone(number)) {
      setCases(null);
      return;
    }
    const controller = new AbortController();
    // Wait until the clerk stops typing.
    const timer = setTimeout(() => {
      setLoading(true);
      api.get<Page<Case>>('/cases', { phone: number, limit: 10 }, controller.signal).then(
        (page) => {
          setCases(page.items);
          setLoading(false);
        },
        (err: unknown) => {
          if (isAbort(err)) return;
          setError(err);
          setLoading(false);
        },
      );
    }, 400);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [number]);

  return (
    <Card size="small" title="来电人历史诉求" loading={loading && cases === null}>
      <ErrorNotice error={error} />
      {cases === null ? (
        <Typography.Text type="secondary">输入诉求人电话后，这里列出该号码以往的诉求，便于判断是否重复来电。</Typography.Text>
      ) : (
        <List
          size="small"
          dataSource={cases}
          locale={{ emptyText: '该号码没有以往的诉求' }}
          renderItem={(c) => (
            <List.Item>
              <div style={{ width: '100%' }}>
                <Link to={`/console/cases/${c.id}`}>{c.caseNo}</Link> <StatusTag status={c.status} />
                <div>{c.title}</div>
                <Typography.Text type="secondary">{formatTime(c.createdAt)}</Typography.Text>
              </div>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
