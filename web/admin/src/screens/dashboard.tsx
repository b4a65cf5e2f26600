/**
 * The dashboard: numbers for now and for the chosen period (refreshed on every live event from the
 * admin WebSocket, no reload; failed LLM calls send one too) and conversations, leads and handoffs
 * over the last day, week or month as simple SVG bar charts.
 */
import { useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useI18n, type Lang, type TextKey } from '../i18n.js';
import { throttle, useLiveEvents } from '../live.js';
import { ErrorBox, Loading, PageTitle, useLoad } from '../ui.js';

type Range = 'day' | 'week' | 'month';

interface Bucket {
  start: string;
  conversations: number;
  leads: number;
  handoffs: number;
}

interface Summary {
  range: Range;
  timezone: string;
  generatedAt: string;
  now: {
    activeConversations: number;
    handoffsWaiting: number;
    conversationsToday: number;
    leadsToday: number;
  };
  totals: {
    conversations: number;
    leads: number;
    handoffs: number;
    conversion: number | null;
    replyP95Seconds: number | null;
    replies: number;
    unanswered: number;
    llmErrors: number;
    llmErrorsByKind: Record<string, number>;
  };
  series: Bucket[];
}

const RANGES: Range[] = ['day', 'week', 'month'];

function formatNumber(lang: Lang, value: number, options?: Intl.NumberFormatOptions): string {
  return value.toLocaleString(lang === 'pl' ? 'pl-PL' : 'en-GB', options);
}

function formatSeconds(lang: Lang, seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 1) return `${formatNumber(lang, Math.round(seconds * 1000))} ms`;
  return `${formatNumber(lang, seconds, { maximumFractionDigits: 1 })} s`;
}

function llmKindLabel(t: (key: TextKey) => string, kind: string): string {
  // A kind this panel has no words for (a newer server) is shown as it comes.
  return t(`llmKind_${kind}` as TextKey) ?? kind;
}

function bucketLabel(range: Range, start: string): string {
  // start is local to the business: YYYY-MM-DDTHH:MM
  if (range === 'day') return start.slice(11, 16);
  return `${start.slice(8, 10)}.${start.slice(5, 7)}`;
}

export function DashboardScreen() {
  const { t, lang } = useI18n();
  const [range, setRange] = useState<Range>('day');
  const summary = useLoad(
    () => api<Summary>('GET', `/api/v1/admin/analytics/summary?range=${range}`),
    [range],
  );
  const reload = useRef(summary.reload);
  reload.current = summary.reload;
  const refresh = useMemo(() => throttle(() => reload.current(), 1500), []);
  useLiveEvents(() => refresh(), [refresh]);

  const data = summary.data;
  const errorKinds = data
    ? Object.entries(data.totals.llmErrorsByKind)
        .filter(([, n]) => n > 0)
        .sort((a, b) => b[1] - a[1])
    : [];
  const tiles: Array<[TextKey, string, string]> = data
    ? [
        ['activeConversations', formatNumber(lang, data.now.activeConversations), 'active'],
        ['conversationsToday', formatNumber(lang, data.now.conversationsToday), 'conversations-today'],
        ['leadsToday', formatNumber(lang, data.now.leadsToday), 'leads-today'],
        ['handoffsWaiting', formatNumber(lang, data.now.handoffsWaiting), 'handoffs-waiting'],
        [
          'conversion',
          data.totals.conversion === null
            ? '—'
            : formatNumber(lang, data.totals.conversion, { style: 'percent', maximumFractionDigits: 1 }),
          'conversion',
        ],
        ['replyP95', formatSeconds(lang, data.totals.replyP95Seconds), 'reply-p95'],
        ['llmErrors', formatNumber(lang, data.totals.llmErrors), 'llm-errors'],
        ['unanswered', formatNumber(lang, data.totals.unanswered), 'unanswered'],
      ]
    : [];

  return (
    <>
      <PageTitle>{t('dashboard')}</PageTitle>
      <div class="segmented" role="group" aria-label={t('period')}>
        {RANGES.map((r) => (
          <button
            key={r}
            type="button"
            class={r === range ? 'small' : 'secondary small'}
            aria-pressed={r === range}
            onClick={() => setRange(r)}
          >
            {t(`range_${r}` as TextKey)}
          </button>
        ))}
      </div>
      {summary.error ? <ErrorBox error={summary.error} onRetry={summary.reload} /> : null}
      {!data ? (
        <Loading />
      ) : (
        <>
          <section aria-labelledby="dash-now">
            <h2 id="dash-now" class="sr-only">
              {t('numbers')}
            </h2>
            <ul class="tiles plain" aria-live="polite">
              {tiles.map(([label, value, id]) => (
                <li key={id} class="tile" data-tile={id}>
                  <span class="tile-value">{value}</span>
                  <span class="tile-label">{t(label)}</span>
                </li>
              ))}
            </ul>
            <p class="muted small">
              {t('totalsFor')} {t(`range_${data.range}` as TextKey).toLowerCase()}:{' '}
              {formatNumber(lang, data.totals.conversations)} {t('conversations').toLowerCase()},{' '}
              {formatNumber(lang, data.totals.leads)} {t('leads').toLowerCase()},{' '}
              {formatNumber(lang, data.totals.handoffs)} {t('handoffsCount')} · {t('timezone')}{' '}
              {data.timezone}
            </p>
            {errorKinds.length > 0 && (
              <p class="muted small llm-error-kinds">
                {t('llmErrorKinds')}:{' '}
                {errorKinds
                  .map(([kind, n]) => `${llmKindLabel(t, kind)} ${formatNumber(lang, n)}`)
                  .join(' · ')}
              </p>
            )}
          </section>
          <div class="charts">
            <Chart title={t('conversations')} range={data.range} series={data.series} field="conversations" />
            <Chart title={t('leads')} range={data.range} series={data.series} field="leads" />
            <Chart title={t('handoffsTitle')} range={data.range} series={data.series} field="handoffs" />
          </div>
        </>
      )}
    </>
  );
}

const W = 600;
const H = 180;
const PAD_LEFT = 32;
const PAD_BOTTOM = 22;

function Chart(props: {
  title: string;
  range: Range;
  series: Bucket[];
  field: 'conversations' | 'leads' | 'handoffs';
}) {
  const values = props.series.map((b) => b[props.field]);
  const max = Math.max(1, ...values);
  const top = niceMax(max);
  const slot = (W - PAD_LEFT) / Math.max(1, values.length);
  const barWidth = Math.max(2, slot * 0.7);
  const plotH = H - PAD_BOTTOM - 8;
  const every = Math.ceil(values.length / 8);
  const id = `chart-${props.field}`;
  return (
    <figure class="card chart" aria-labelledby={id}>
      <figcaption id={id}>{props.title}</figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`${props.title}: ${values.join(', ')}`}
        class={`chart-svg ${props.field}`}
      >
        {[0, 0.5, 1].map((f) => {
          const y = 8 + plotH * (1 - f);
          return (
            <g key={f}>
              <line x1={PAD_LEFT} x2={W} y1={y} y2={y} class="grid" />
              <text x={PAD_LEFT - 6} y={y + 4} class="axis" text-anchor="end">
                {Math.round(top * f)}
              </text>
            </g>
          );
        })}
        {props.series.map((b, i) => {
          const v = b[props.field];
          const h = (v / top) * plotH;
          const x = PAD_LEFT + i * slot + (slot - barWidth) / 2;
          return (
            <g key={b.start}>
              <rect x={x} y={8 + plotH - h} width={barWidth} height={h} class="bar">
                <title>{`${bucketLabel(props.range, b.start)}: ${v}`}</title>
              </rect>
              {i % every === 0 && (
                <text x={x + barWidth / 2} y={H - 6} class="axis" text-anchor="middle">
                  {bucketLabel(props.range, b.start)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <table class="sr-only">
        <caption>{props.title}</caption>
        <tbody>
          {props.series.map((b) => (
            <tr key={b.start}>
              <th scope="row">{bucketLabel(props.range, b.start)}</th>
              <td>{b[props.field]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function niceMax(max: number): number {
  if (max <= 4) return 4;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * magnitude >= max) return step * magnitude;
  }
  return max;
}
