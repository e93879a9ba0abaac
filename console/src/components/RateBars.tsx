import { Empty } from 'antd';
import { formatRate } from '../lib/format';

export interface RateBar {
  key: string;
  label: string;
  rate: number | null;
}

const rowHeight = 28;
const labelWidth = 190;
const barWidth = 420;

/** A horizontal bar per group, for one rate in [0, 1]; a group with nothing counted shows "—" and no bar. */
export function RateBars({ bars, title }: { bars: RateBar[]; title: string }) {
  if (bars.length === 0) return <Empty description="暂无数据" />;
  const height = bars.length * rowHeight + 24;
  return (
    <svg role="img" aria-label={title} width="100%" viewBox={`0 0 ${labelWidth + barWidth + 70} ${height}`} style={{ maxWidth: 760 }}>
      {[0, 0.5, 1].map((t) => (
        <g key={t}>
          <line x1={labelWidth + t * barWidth} x2={labelWidth + t * barWidth} y1={0} y2={height - 18} stroke="#e5e5e5" />
          <text x={labelWidth + t * barWidth} y={height - 4} fontSize={11} textAnchor="middle" fill="#888">
            {t * 100}%
          </text>
        </g>
      ))}
      {bars.map((b, i) => {
        const y = i * rowHeight;
        const w = b.rate === null ? 0 : Math.max(1, b.rate * barWidth);
        return (
          <g key={b.key}>
            <text x={labelWidth - 8} y={y + 18} fontSize={12} textAnchor="end" fill="#333">
              {b.label.length > 14 ? `${b.label.slice(0, 13)}…` : b.label}
            </text>
            <rect x={labelWidth} y={y + 6} width={w} height={16} rx={2} fill={b.rate !== null && b.rate < 0.8 ? '#fa8c16' : '#1677ff'} />
            <text x={labelWidth + w + 6} y={y + 18} fontSize={12} fill="#333">
              {formatRate(b.rate)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
