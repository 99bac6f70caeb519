import { useEffect, useState, type FormEvent } from 'react';
import { Alert, Button, Input, Skeleton, Tag, Timeline } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import type { PublicCaseStatus } from '@cc/domain';
import { ApiError } from '../api/client';
import { useLanguage } from '../i18n';
import { errorMessage } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import { recentNumbers, usePublicCase, usePublicCity } from './api';
import { PublicShell, useCityParam, withCity } from './PublicShell';
import { usePublicStrings, type PublicStrings } from './strings';

/** 进度查询: a report's number → its state and the steps so far; nothing personal. */
export default function TrackPage() {
  const s = usePublicStrings();
  const { t } = useTranslation();
  const lang = useLanguage();
  const { number: routeNumber } = useParams();
  const number = routeNumber?.trim() || undefined;
  const cityParam = useCityParam();
  const city = usePublicCity(cityParam);
  const status = usePublicCase(number, cityParam);
  const navigate = useNavigate();
  const [input, setInput] = useState(number ?? '');
  const [inputError, setInputError] = useState<string | null>(null);
  const [recent] = useState(recentNumbers);

  useEffect(() => setInput(number ?? ''), [number]);

  const onSearch = (e?: FormEvent) => {
    e?.preventDefault();
    const n = input.replace(/\s+/g, '');
    if (!n) {
      setInputError(s.numberRequired);
      return;
    }
    setInputError(null);
    if (n === number) void status.refetch();
    else navigate(withCity(`/track/${encodeURIComponent(n)}`, cityParam));
  };

  const notFound = status.error instanceof ApiError && status.error.status === 404;

  return (
    <PublicShell cityName={city.data?.name} title={s.track}>
      <section className="cc-public__section" style={{ paddingBottom: 14 }}>
        <p className="cc-public__intro">{s.trackIntro}</p>
        <form className="cc-track__form" onSubmit={onSearch} role="search" data-testid="track-form">
          <Input
            size="large"
            value={input}
            onChange={(e) => setInput(e.target.value)}
            placeholder={s.numberPlaceholder}
            inputMode="numeric"
            autoComplete="off"
            maxLength={40}
            allowClear
            status={inputError ? 'error' : undefined}
            aria-label={s.numberPlaceholder}
            data-testid="track-input"
          />
          <Button type="primary" size="large" htmlType="submit" icon={<SearchOutlined />} data-testid="track-search">
            {s.search}
          </Button>
        </form>
        {inputError && (
          <div className="ant-form-item-explain-error" role="alert" style={{ marginTop: 4 }}>
            {inputError}
          </div>
        )}
        {recent.length > 0 && (
          <div className="cc-track__recent">
            {s.recent}
            {s.colon}
            {recent.map((n) => (
              <Link key={n} to={withCity(`/track/${encodeURIComponent(n)}`, cityParam)}>
                {n}
              </Link>
            ))}
          </div>
        )}
      </section>

      {number && status.isPending && <Skeleton active className="cc-track__card" />}
      {number && status.isError && (
        <Alert
          type={notFound ? 'warning' : 'error'}
          showIcon
          role="alert"
          data-testid="track-error"
          title={notFound ? (status.error as ApiError).message || s.notFound : errorMessage(status.error, t, lang)}
          description={notFound ? s.checkNumber : undefined}
          action={
            notFound ? undefined : (
              <Button size="small" onClick={() => void status.refetch()}>
                {s.retry}
              </Button>
            )
          }
        />
      )}
      {status.data && <StatusCard c={status.data} s={s} />}
    </PublicShell>
  );
}

function StatusCard({ c, s }: { c: PublicCaseStatus; s: PublicStrings }) {
  const closed = c.stateCategory === 'closed';
  // Oldest first, as the story happened; the latest step is the one in colour.
  const steps = [...c.steps].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <article className="cc-track__card" data-testid="track-card" aria-live="polite">
      <div className="cc-track__head">
        <span className="cc-track__number">{c.number}</span>
        <Tag color={closed ? 'success' : 'processing'} className="cc-track__state" data-testid="track-state">
          {c.stateLabel}
        </Tag>
      </div>
      <dl className="cc-track__facts">
        <dt>{s.categoryOf}</dt>
        <dd>{c.category}</dd>
        {c.area && (
          <>
            <dt>{s.area}</dt>
            <dd>{c.area}</dd>
          </>
        )}
        <dt>{s.reportedAt}</dt>
        <dd>{formatDateTime(c.reportedAt)}</dd>
        <dt>{s.updatedAt}</dt>
        <dd>{formatDateTime(c.updatedAt)}</dd>
      </dl>
      <div className="cc-track__steps-title">{s.steps}</div>
      {steps.length === 0 ? (
        <div className="cc-track__step-time">{s.noSteps}</div>
      ) : (
        <Timeline
          data-testid="track-steps"
          items={steps.map((step, i) => ({
            key: `${step.at}-${i}`,
            color: i === steps.length - 1 ? (closed ? 'green' : 'blue') : 'gray',
            content: (
              <div>
                <div>{step.label}</div>
                <div className="cc-track__step-time">{formatDateTime(step.at)}</div>
              </div>
            ),
          }))}
        />
      )}
    </article>
  );
}
