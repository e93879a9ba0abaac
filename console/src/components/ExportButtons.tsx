import { App, Button, Space } from 'antd';
import { useState } from 'react';
import { downloadExport } from '../api/download';
import { errorText } from '../api/error-text';
import { ApiFailure, type Query } from '../api/http';

type Format = 'csv' | 'xlsx';
const labels: Record<Format, string> = { csv: '导出 CSV', xlsx: '导出 Excel' };

/** 导出: what the page shows (its filters in `query`), as a .csv or .xlsx file from `path` (an …/export route). */
export function ExportButtons({ path, query, name }: { path: string; query: Query; name: string }) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState<Format | null>(null);
  const save = async (format: Format) => {
    setBusy(format);
    try {
      await downloadExport(path, { ...query, format }, `${name}.${format}`);
    } catch (err) {
      const text = errorText(err);
      const cut = err instanceof ApiFailure && err.code === 'INTERRUPTED';
      void message.error(cut ? `${err.message}，请重试` : `${text.title}。${text.next}`);
    } finally {
      setBusy(null);
    }
  };
  return (
    <Space.Compact>
      {(['xlsx', 'csv'] as const).map((f) => (
        <Button key={f} loading={busy === f} disabled={busy !== null && busy !== f} onClick={() => void save(f)}>
          {labels[f]}
        </Button>
      ))}
    </Space.Compact>
  );
}
