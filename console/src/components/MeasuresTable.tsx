import { Table } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { Measures } from '../api/types';
import { formatRate } from '../lib/format';
import { measureKeys, zh } from '../terms';

/** The DOMAIN §6 measures of each row: count of cases, then the seven rates ("—" when nothing was counted). */
export function MeasuresTable<T extends Measures>({ rows, nameTitle, name, rowKey, loading, summary }: {
  rows: T[];
  nameTitle: string;
  name: (row: T) => string;
  rowKey: (row: T) => string;
  loading?: boolean;
  summary?: T;
}) {
  const columns: ColumnsType<T> = [
    { title: nameTitle, key: 'name', fixed: 'left', width: 200, render: (_: unknown, r) => name(r) },
    { title: '派单量', dataIndex: 'dispatched', width: 90, align: 'right', sorter: (a, b) => a.dispatched - b.dispatched },
    ...measureKeys.map((k) => ({
      title: zh.measure[k],
      dataIndex: k,
      width: 110,
      align: 'right' as const,
      sorter: (a: T, b: T) => (a[k] ?? -1) - (b[k] ?? -1),
      render: (v: number | null) => formatRate(v),
    })),
  ];
  return (
    <Table<T>
      rowKey={rowKey}
      size="middle"
      loading={loading}
      columns={columns}
      dataSource={rows}
      pagination={false}
      scroll={{ x: 1100 }}
      locale={{ emptyText: '该期间没有派单的案件' }}
      summary={
        summary
          ? () => (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0}>合计</Table.Summary.Cell>
                <Table.Summary.Cell index={1} align="right">
                  {summary.dispatched}
                </Table.Summary.Cell>
                {measureKeys.map((k, i) => (
                  <Table.Summary.Cell key={k} index={i + 2} align="right">
                    {formatRate(summary[k])}
                  </Table.Summary.Cell>
                ))}
              </Table.Summary.Row>
            )
          : undefined
      }
    />
  );
}
