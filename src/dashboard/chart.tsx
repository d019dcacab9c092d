// The aging chart: one inline SVG per currency, drawn on the server (no script, no external asset), one bar per
// bucket scaled to that currency's largest bucket. Scaling is for drawing only: bar widths are the one place an
// amount meets floating point, and the figures shown are always the exact formatted amounts.
import { formatMoney } from "./format";

export const BUCKETS = [
  ["current", "Not yet due"],
  ["1_30", "1-30 days overdue"],
  ["31_60", "31-60 days overdue"],
  ["61_90", "61-90 days overdue"],
  ["over_90", "Over 90 days overdue"],
] as const;

export type BucketKey = (typeof BUCKETS)[number][0];

export interface CurrencyAging {
  currency: string;
  buckets: Record<BucketKey, { amount_due: number; count: number }>;
}

const WIDTH = 560;
const LABEL = 170;
const ROW = 28;

export function AgingChart({ aging, locale }: { aging: CurrencyAging; locale: string }) {
  const max = Math.max(1, ...BUCKETS.map(([k]) => aging.buckets[k].amount_due));
  const summary = BUCKETS.map(
    ([k, label]) => `${label}: ${formatMoney(aging.buckets[k].amount_due, aging.currency, locale)}`,
  ).join("; ");
  const height = BUCKETS.length * ROW + 8;
  return (
    <svg
      class="chart"
      role="img"
      aria-label={`Amount due by age in ${aging.currency}. ${summary}`}
      viewBox={`0 0 ${WIDTH} ${height}`}
      width={WIDTH}
      height={height}
    >
      {BUCKETS.map(([k, label], i) => {
        const amount = aging.buckets[k].amount_due;
        const width = Math.round(((WIDTH - LABEL - 130) * amount) / max);
        const y = 4 + i * ROW;
        return (
          <g>
            <text x={0} y={y + 17}>
              {label}
            </text>
            <rect class="bar" x={LABEL} y={y + 4} width={width} height={ROW - 10} />
            <text x={LABEL + width + 6} y={y + 17}>
              {formatMoney(amount, aging.currency, locale)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
