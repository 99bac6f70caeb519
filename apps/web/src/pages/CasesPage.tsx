import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Badge, Button, Card, Checkbox, DatePicker, Empty, Grid, Input, Select, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { FilterOutlined, PlusOutlined, ProfileOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { CASE_SOURCES, CASE_STATES, type CaseListItem, type CaseState } from '@cc/domain';
import { useCases, type CaseFilters, type CaseQuery } from '../api/cases';
import { useAuth } from '../app/auth';
import { CaseTags, DeadlineText } from '../components/cases/CaseTags';
import { CategoryFilter, useCategoryLabel } from '../components/cases/CategorySelect';
import { PageHeader } from '../components/PageHeader';
import { PagedTable } from '../components/PagedTable';
import { RegionTreeSelect } from '../components/RegionTreeSelect';
import { UnitSelect } from '../components/UnitSelect';
import { useLanguage } from '../i18n';
import { sourceLabel, stateLabel } from '../lib/cases';
import { formatDateTime } from '../lib/format';
import { ExportButton } from './cases/ExportButton';
import './cases/cases.css';
import { isoDate as isDate, positiveInt as num, useQueryParams, pageOf } from '../lib/useQueryParams';

const DATE = 'YYYY-MM-DD';
const SORTS = ['created_desc', 'created_asc', 'deadline_asc'] as const;
type Sort = (typeof SORTS)[number];
const csv = <T extends string>(v: string | null, allowed: readonly T[]) =>
  (v ?? '').split(',').filter((x): x is T => (allowed as readonly string[]).includes(x));

/** The ledger's filters live in the URL, so a filtered ledger is a link one can send. */
function readFilters(params: URLSearchParams): CaseFilters {
  const states = csv(params.get('state'), CASE_STATES);
  const sources = csv(params.get('source'), CASE_SOURCES);
  // `open` is the page's own name; `stateCategory` is the API's, accepted so a link written with it works.
  const open = params.get('open') ?? params.get('stateCategory');
  const sort = params.get('sort');
  return {
    q: params.get('q')?.trim() || undefined,
    state: states.length ? states.join(',') : undefined,
    stateCategory: open === 'open' || open === 'closed' ? open : undefined,
    unitId: num(params.get('unitId')),
    categoryId: num(params.get('categoryId')),
    majorCode: params.get('majorCode') || undefined,
    source: sources.length ? sources.join(',') : undefined,
    overdue: params.get('overdue') === '1' ? true : undefined,
    from: isDate(params.get('from')),
    to: isDate(params.get('to')),
    regionId: num(params.get('regionId')),
    sort: (SORTS as readonly string[]).includes(sort ?? '') ? (sort as Sort) : undefined,
  };
}
const MORE = ['unitId', 'categoryId', 'majorCode', 'source', 'overdue', 'from', 'to', 'regionId', 'sort'] as const;

/** 问题台账: every case in the user's scope, filtered by state, unit, category, place and time. */
export default function CasesPage() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const { can } = useAuth();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const isMobile = screens.md === false;
  const { params, setQuery, resetQuery } = useQueryParams();
  const filters = useMemo(() => readFilters(params), [params]);
  const query: CaseQuery = { ...filters, ...pageOf(params) };
  const list = useCases(query);
  const categoryLabel = useCategoryLabel();
  const [searchText, setSearchText] = useState(filters.q ?? '');
  const moreCount = MORE.filter((k) => filters[k] !== undefined).length;
  const [showMore, setShowMore] = useState(moreCount > 0);

  useEffect(() => setSearchText(params.get('q') ?? ''), [params]);

  const anyFilter = Object.values(filters).some((v) => v !== undefined);

  const placeOf = (c: CaseListItem) => [c.community?.name, c.grid?.name].filter(Boolean).join(' · ');
  const open = (c: CaseListItem) => (
    <Link to={`/cases/${c.id}`} data-testid="case-open" className="cc-case-number">
      {c.number}
    </Link>
  );
  const unitCell = (c: CaseListItem) => c.unit?.name ?? <Typography.Text type="warning">{t('cases.noUnit')}</Typography.Text>;

  const columns: TableColumnsType<CaseListItem> = isMobile
    ? [
        {
          title: t('cases.title'),
          key: 'summary',
          render: (_, c) => (
            <div className="cc-case-card" data-testid="case-row">
              <div className="cc-case-card__top">
                {open(c)}
                <DeadlineText c={c} />
              </div>
              <CaseTags c={c} />
              <div>
                {categoryLabel(c.category)}
                <Typography.Text type="secondary"> · {placeOf(c) || c.address}</Typography.Text>
              </div>
              {c.address && placeOf(c) && <Typography.Text type="secondary">{c.address}</Typography.Text>}
              <div className="cc-muted">{unitCell(c)}</div>
            </div>
          ),
        },
      ]
    : [
        {
          title: t('cases.number'),
          key: 'number',
          render: (_, c) => (
            <div data-testid="case-row">
              {open(c)}
              <div className="cc-muted">{sourceLabel(c.source, lang)}</div>
            </div>
          ),
        },
        {
          title: t('cases.category'),
          key: 'category',
          render: (_, c) => (
            <div>
              <div>{categoryLabel(c.category)}</div>
              <div className="cc-muted">{c.category.majorName}</div>
            </div>
          ),
        },
        {
          title: t('cases.place'),
          key: 'place',
          render: (_, c) => (
            <div className="cc-case-place">
              <div>{c.address || placeOf(c)}</div>
              {c.address && <div className="cc-muted">{placeOf(c)}</div>}
            </div>
          ),
        },
        { title: t('cases.unit'), key: 'unit', render: (_, c) => unitCell(c) },
        { title: t('cases.state'), key: 'state', render: (_, c) => <CaseTags c={c} /> },
        { title: t('cases.deadline.title'), key: 'deadline', render: (_, c) => <DeadlineText c={c} /> },
        {
          title: t('cases.createdAt'),
          dataIndex: 'createdAt',
          responsive: ['lg'],
          render: (v: string) => <span className="cc-nowrap">{formatDateTime(v)}</span>,
        },
      ];

  const stateOptions = CASE_STATES.map((s) => ({ value: s, label: stateLabel(s, lang) }));
  const sourceOptions = CASE_SOURCES.map((s) => ({ value: s, label: sourceLabel(s, lang) }));
  const wide = (w: number) => ({ width: isMobile ? '100%' : w });

  return (
    <>
      <PageHeader
        title={t('cases.title')}
        extra={
          <>
            {list.data?.actions.includes('export') && <ExportButton filters={filters} />}
            {list.data?.actions.includes('create') && can('case.report') && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/cases/new')} data-testid="cases-new">
                {t('cases.new.button')}
              </Button>
            )}
          </>
        }
      />
      <Card>
        <div className="cc-toolbar" data-testid="cases-filters">
          <Input.Search
            className="cc-toolbar__search"
            allowClear
            placeholder={t('cases.filters.search')}
            aria-label={t('cases.filters.search')}
            value={searchText}
            onChange={(e) => setSearchText(e.target.value)}
            onSearch={(v) => setQuery({ q: v.trim() })}
            data-testid="filter-q"
          />
          <Select<CaseState[]>
            mode="multiple"
            allowClear
            maxTagCount="responsive"
            style={wide(240)}
            placeholder={t('cases.filters.states')}
            aria-label={t('cases.filters.states')}
            value={csv(params.get('state'), CASE_STATES)}
            onChange={(v) => setQuery({ state: v.join(',') })}
            options={stateOptions}
            data-testid="filter-state"
          />
          <Select<'open' | 'closed'>
            allowClear
            style={wide(130)}
            placeholder={t('cases.filters.openClosed')}
            aria-label={t('cases.filters.openClosed')}
            value={filters.stateCategory}
            onChange={(v) => setQuery({ open: v, stateCategory: undefined })}
            options={[
              { value: 'open', label: t('cases.filters.open') },
              { value: 'closed', label: t('cases.filters.closed') },
            ]}
            data-testid="filter-open"
          />
          <Badge count={moreCount} size="small" offset={[-4, 4]}>
            <Button icon={<FilterOutlined />} onClick={() => setShowMore((v) => !v)} aria-expanded={showMore} data-testid="filters-more">
              {showMore ? t('cases.filters.less') : t('cases.filters.more')}
            </Button>
          </Badge>
          {anyFilter && <Button onClick={() => resetQuery()}>{t('common.reset')}</Button>}
        </div>
        {showMore && (
          <div className="cc-toolbar" data-testid="cases-filters-more">
            <UnitSelect style={wide(220)} placeholder={t('cases.filters.unit')} aria-label={t('cases.filters.unit')} value={filters.unitId ?? null} onChange={(v) => setQuery({ unitId: v })} />
            <CategoryFilter
              style={wide(200)}
              majorCode={filters.majorCode}
              categoryId={filters.categoryId}
              onChange={(v) => setQuery({ majorCode: v.majorCode, categoryId: v.categoryId })}
            />
            <Select<string[]>
              mode="multiple"
              allowClear
              maxTagCount="responsive"
              style={wide(200)}
              placeholder={t('cases.filters.source')}
              aria-label={t('cases.filters.source')}
              value={csv(params.get('source'), CASE_SOURCES)}
              onChange={(v) => setQuery({ source: v.join(',') })}
              options={sourceOptions}
            />
            {can('region.read') && (
              <RegionTreeSelect
                style={wide(200)}
                placeholder={t('cases.filters.region')}
                aria-label={t('cases.filters.region')}
                value={filters.regionId ?? null}
                onChange={(v) => setQuery({ regionId: v })}
              />
            )}
            <DatePicker.RangePicker
              style={wide(260)}
              format={DATE}
              placeholder={[t('cases.filters.from'), t('cases.filters.to')]}
              value={[filters.from ? dayjs(filters.from, DATE) : null, filters.to ? dayjs(filters.to, DATE) : null]}
              allowEmpty={[true, true]}
              onChange={(v) => setQuery({ from: v?.[0]?.format(DATE), to: v?.[1]?.format(DATE) })}
              inputReadOnly={isMobile}
            />
            <Select<Sort>
              style={wide(150)}
              aria-label={t('cases.sort.title')}
              value={filters.sort ?? 'created_desc'}
              onChange={(v) => setQuery({ sort: v === 'created_desc' ? null : v })}
              options={SORTS.map((s) => ({ value: s, label: t(`cases.sort.${s}`) }))}
            />
            <Checkbox checked={filters.overdue === true} onChange={(e) => setQuery({ overdue: e.target.checked ? 1 : null })} data-testid="filter-overdue">
              {t('cases.filters.overdueOnly')}
            </Checkbox>
          </div>
        )}
        <PagedTable<CaseListItem>
          result={list}
          query={query}
          onPage={(page, pageSize) => setQuery({ page, pageSize }, false)}
          columns={columns}
          empty={<Empty image={<ProfileOutlined style={{ fontSize: 40, color: '#bfbfbf' }} />} description={anyFilter ? t('cases.emptyFiltered') : t('cases.empty')} />}
          testId="cases-table"
          totalText={(total) => (list.data?.totalCapped ? t('common.totalAtLeast', { total: total.toLocaleString(lang) }) : t('common.total', { total }))}
        />
      </Card>
    </>
  );
}
