import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { Button, DatePicker, Drawer, Grid, Select, Space, Switch, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { CaseMapPoint, RegionLevel } from '@cc/domain';
import type { FrontageStatus } from '../api/frontage';
import { get } from '../api/client';
import { useCaseCategories } from '../api/cases';
import { categoryName } from '../components/cases/CategorySelect';
import { useCaseMap, useMapSettings, useMapShops, useRegionGeo, useResponsibility, useRoutingRules, useSegments, useZones, type RegionFeature } from '../api/map';
import { ResponsibilityPanel } from '../components/ResponsibilityPanel';
import { QueryError } from '../components/QueryError';
import { PageLoading } from '../components/states';
import MapCanvas, { PANES, useMapContext } from '../map/MapCanvas';
import L from '../map/leaflet';
import { useLanguage } from '../i18n';
import { stateLabel } from '../lib/cases';
import { KeepVisible, PinMarker, ShapesLayer, type Shape } from '../map/layers';
import { REGION_STYLE, SEGMENT_STYLE, SHOP_COLORS, shopStyle, ZONE_STYLE, type ShopColorKey } from '../map/styles';
import { cityDay } from '../lib/time';
import { useQueryParams } from '../lib/useQueryParams';

const DATE = 'YYYY-MM-DD';
const PANEL_WIDTH = 360;
const isDate = (s: string | null): s is string => !!s && /^\d{4}-\d{2}-\d{2}$/.test(s) && dayjs(s, DATE, true).isValid();
const coord = (s: string | null, max: number) => {
  const v = s === null ? NaN : Number(s);
  return Number.isFinite(v) && Math.abs(v) <= max ? v : null;
};

/** The state of a shop's current contract, for the colour of its dot. */
function shopKey(statuses: FrontageStatus[] | undefined): ShopColorKey {
  if (!statuses?.length) return 'none';
  if (statuses.includes('active')) return 'active';
  if (statuses.includes('expiring')) return 'expiring';
  if (statuses.includes('expired')) return 'expired';
  return 'none';
}

/** Magenta, not red: the frontage layer's red already means an expired contract. */
const CASE_COLORS = { overdue: '#c41d7f', onTime: '#1677ff' } as const;

/**
 * The open cases as small circles on one canvas (fast for tens of thousands), red when overdue;
 * a click opens a popup that loads the case's number and links to it.
 */
function OpenCasesLayer({ points }: { points: readonly CaseMapPoint[] }) {
  const ctx = useMapContext();
  const { t } = useTranslation();
  const lang = useLanguage();
  const navigate = useNavigate();
  const [renderer] = useState(() => L.canvas({ padding: 0.5, pane: PANES.point }));
  const categories = useCaseCategories();
  // The map's answer names categories by code; the popup shows the name at once, before the case loads.
  // Read when a popup opens (a ref: the categories arriving must not redraw every point).
  const names = useRef(new Map<string, string>());
  names.current = useMemo(() => new Map((categories.data ?? []).map((c) => [c.code, categoryName(c, lang)])), [categories.data, lang]);
  useEffect(() => {
    if (!ctx) return;
    const popup = (p: CaseMapPoint) => {
      const el = document.createElement('div');
      el.dataset.testid = 'case-map-popup';
      const link = document.createElement('a');
      link.href = `/cases/${p.id}`;
      link.textContent = `#${p.id}`;
      link.addEventListener('click', (e) => {
        e.preventDefault();
        navigate(`/cases/${p.id}`);
      });
      const desc = document.createElement('div');
      const meta = document.createElement('div');
      meta.textContent = [stateLabel(p.state, lang), names.current.get(p.category) ?? p.category, t(p.overdue ? 'map.caseOverdue' : 'map.caseOnTime')].join(' · ');
      el.append(link, meta, desc);
      void get<{ number: string; description: string; category: { name: string } }>(`/cases/${p.id}`).then((c) => {
        link.textContent = c.number;
        meta.textContent = [stateLabel(p.state, lang), names.current.get(p.category) ?? c.category.name, t(p.overdue ? 'map.caseOverdue' : 'map.caseOnTime')].join(' · ');
        desc.textContent = c.description.length > 60 ? `${c.description.slice(0, 60)}…` : c.description;
      }, () => undefined);
      return el;
    };
    const group = L.layerGroup(points.map((p) => L.circleMarker(ctx.crs.toDisplay([p.lng, p.lat]), {
      renderer, radius: 4, weight: 1, color: '#fff', bubblingMouseEvents: false, fillColor: p.overdue ? CASE_COLORS.overdue : CASE_COLORS.onTime, fillOpacity: 0.9,
    }).bindPopup(() => popup(p))));
    group.addTo(ctx.map);
    return () => {
      group.remove();
    };
  }, [ctx, points, renderer, navigate, lang, t]);
  return null;
}

/**
 * 责任地图: boundaries, road segments, zones and shops; a click asks the server who answers for
 * that point on the chosen day, and the panel says so, down to the unit a case would be sent to.
 */
export default function MapPage() {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  const isMobile = screens.md === false;
  const { params, setQuery: setParam } = useQueryParams();

  const settings = useMapSettings();
  const geo = useRegionGeo();
  const segments = useSegments();
  const zones = useZones();
  const rules = useRoutingRules();
  const today = cityDay().format(DATE);
  const date = isDate(params.get('date')) ? params.get('date')! : today;
  // Every located shop in scope, coloured by its contract on the chosen day.
  const shops = useMapShops(date);
  const lng = coord(params.get('lng'), 180);
  const lat = coord(params.get('lat'), 90);
  const point: [number, number] | null = lng !== null && lat !== null ? [lng, lat] : null;
  const [initialPoint] = useState(point);
  const categories = (rules.data?.items ?? []).map((r) => r.categoryCode).filter((c) => c !== '*');
  const category = params.get('category') ?? undefined;
  const showCases = params.get('cases') === '1';
  const caseMap = useCaseMap({}, showCases);
  const answer = useResponsibility(point ? { lng: point[0], lat: point[1], date, category: category || undefined } : null);

  // Boundaries by level, each labelled on hover with the regions it lies in.
  const regionShapes = useMemo(() => {
    const features = geo.data?.features ?? [];
    const byId = new Map(features.map((f) => [f.id, f]));
    const within = (f: RegionFeature) => {
      const names: string[] = [];
      let p = f.properties.parentId !== null ? byId.get(f.properties.parentId) : undefined;
      while (p && p.properties.level !== 'county') {
        names.push(p.properties.name);
        p = p.properties.parentId !== null ? byId.get(p.properties.parentId) : undefined;
      }
      return names.length ? `${f.properties.name}（${names.join(' · ')}）` : f.properties.name;
    };
    const of = (level: RegionLevel): Shape[] =>
      features
        .filter((f) => f.properties.level === level)
        .map((f) => ({ key: f.id, geometry: f.geometry, style: REGION_STYLE[level], tooltip: within(f), attrs: { 'data-region-id': String(f.id) } }));
    return { street: of('street'), community: of('community'), grid: of('grid') };
  }, [geo.data]);

  const segmentShapes = useMemo<Shape[]>(
    () =>
      (segments.data?.items ?? []).map((s) => ({
        key: s.id,
        geometry: s.geometry as Shape['geometry'],
        style: SEGMENT_STYLE,
        tooltip: [s.name, s.fromDesc && s.toDesc ? `${s.fromDesc} → ${s.toDesc}` : null, t('map.meters', { n: s.lengthM })].filter(Boolean).join(' · '),
      })),
    [segments.data, t],
  );
  const zoneShapes = useMemo<Shape[]>(
    () => (zones.data?.items ?? []).map((z) => ({ key: z.id, geometry: z.geometry as Shape['geometry'], style: ZONE_STYLE, tooltip: z.name })),
    [zones.data],
  );
  const shopShapes = useMemo<Shape[]>(
    () =>
      (shops.data?.items ?? []).map((s) => {
        const key = shopKey(s.status === 'none' ? undefined : [s.status]);
        return {
          key: s.id,
          geometry: { type: 'Point', coordinates: [s.lng, s.lat] },
          style: shopStyle(key),
          tooltip: `${s.name} · ${t(`map.shopStatus.${key}`)}`,
          attrs: { 'data-shop-id': String(s.id), 'data-shop-status': key },
        };
      }),
    [shops.data, t],
  );

  if (settings.isError) return <QueryError error={settings.error} onRetry={() => void settings.refetch()} />;
  if (!settings.data) return <PageLoading />;
  const cfg = settings.data;

  // Opened with a point in the link (e.g. from a contract): centre there. Later clicks never move
  // the map under the user's hand.
  const view = initialPoint ? { lng: initialPoint[0], lat: initialPoint[1], zoom: Math.max(cfg.mapCenter.zoom, 16) } : cfg.mapCenter;

  const legend = (
    <div className="cc-map-legend" aria-label={t('map.legend')}>
      {(['active', 'expiring', 'expired', 'none'] as const).map((k) => (
        <span key={k} className="cc-map-legend__item">
          <span className="cc-map-legend__dot" style={{ background: SHOP_COLORS[k] }} />
          {t(`map.shopStatus.${k}`)}
        </span>
      ))}
      <span className="cc-map-legend__item">
        <span className="cc-map-legend__line" style={{ background: SEGMENT_STYLE.color }} />
        {t('map.layers.segments')}
      </span>
      <span className="cc-map-legend__item">
        <span className="cc-map-legend__area" style={{ borderColor: ZONE_STYLE.color }} />
        {t('map.layers.zones')}
      </span>
      {showCases && (['overdue', 'onTime'] as const).map((k) => (
        <span key={k} className="cc-map-legend__item">
          <span className="cc-map-legend__dot" style={{ background: CASE_COLORS[k] }} />
          {/* “待办问题·已超期”: the shops' contract colours above have their own 已过期. */}
          {`${t('map.openCases')}·${t(k === 'overdue' ? 'map.caseOverdue' : 'map.caseOnTime')}`}
        </span>
      ))}
    </div>
  );

  const panel = point && (
    <ResponsibilityPanel
      point={point}
      date={date}
      answer={answer.data}
      loading={answer.isFetching}
      error={answer.isError ? answer.error : null}
      onRetry={() => void answer.refetch()}
      onClose={() => setParam({ lng: null, lat: null })}
      segmentRadiusM={cfg.segmentRadiusM}
      frontageRadiusM={cfg.frontageRadiusM}
    />
  );

  return (
    <div className="cc-map-page">
      <div className="cc-map-page__toolbar">
        <Typography.Title level={4} className="cc-page-header__title">
          {t('map.title')}
        </Typography.Title>
        <Space wrap size={8} className="cc-map-page__controls">
          <Space size={4}>
            <label htmlFor="map-date" className="cc-map-page__label">
              {t('map.date')}
            </label>
            <DatePicker
              id="map-date"
              data-testid="map-date"
              allowClear={false}
              value={dayjs(date, DATE)}
              format={DATE}
              onChange={(d) => d && setParam({ date: d.format(DATE) === today ? null : d.format(DATE) })}
              style={{ width: 150 }}
            />
            {date !== today && (
              <Button type="link" size="small" onClick={() => setParam({ date: null })} data-testid="map-today">
                {t('map.today')}
              </Button>
            )}
          </Space>
          {categories.length > 0 && (
            <Select<string>
              allowClear
              aria-label={t('map.category')}
              placeholder={t('map.categoryDefault')}
              style={{ width: 180 }}
              value={category}
              onChange={(v) => setParam({ category: v ?? null })}
              options={categories.map((c) => ({ value: c, label: c }))}
            />
          )}
          <Space size={4}>
            <Switch size="small" id="map-open-cases" data-testid="map-open-cases" checked={showCases} loading={showCases && caseMap.isFetching} onChange={(on) => setParam({ cases: on ? '1' : null })} />
            <label htmlFor="map-open-cases" className="cc-map-page__label">
              {t('map.openCases')}
            </label>
            {showCases && caseMap.data && (
              <Typography.Text type={caseMap.data.truncated ? 'warning' : 'secondary'} data-testid="map-open-cases-count">
                {caseMap.data.truncated ? t('map.openCasesTruncated', { n: caseMap.data.limit }) : t('map.openCasesCount', { n: caseMap.data.items.length })}
              </Typography.Text>
            )}
          </Space>
          {!isMobile && <Typography.Text type="secondary">{t('map.clickHint')}</Typography.Text>}
        </Space>
      </div>
      {showCases && caseMap.isError && (
        <Typography.Text type="danger" role="alert" className="cc-map-page__warn">
          {t('map.openCasesFailed')}
        </Typography.Text>
      )}
      {(geo.isError || segments.isError || zones.isError) && (
        <Typography.Text type="danger" role="alert" className="cc-map-page__warn">
          {t('map.layersFailed')}
        </Typography.Text>
      )}
      <div className="cc-map-page__body">
        <MapCanvas
          label={t('map.title')}
          view={view}
          layerControl
          layerControlCollapsed={isMobile}
          className="cc-map--fill"
          data-testid="map-canvas"
          overlay={!isMobile && legend}
          onClick={(p) => setParam({ lng: String(p[0]), lat: String(p[1]) })}
        >
          <ShapesLayer name={t('map.layers.streets')} pane={PANES.street} shapes={regionShapes.street} />
          <ShapesLayer name={t('map.layers.communities')} pane={PANES.community} shapes={regionShapes.community} />
          <ShapesLayer name={t('map.layers.grids')} pane={PANES.grid} shapes={regionShapes.grid} />
          <ShapesLayer name={t('map.layers.zones')} pane={PANES.zone} shapes={zoneShapes} />
          <ShapesLayer name={t('map.layers.segments')} pane={PANES.segment} shapes={segmentShapes} />
          <ShapesLayer name={t('map.layers.shops')} pane={PANES.point} shapes={shopShapes} />
          {showCases && caseMap.data && <OpenCasesLayer points={caseMap.data.items} />}
          {point && <PinMarker lng={point[0]} lat={point[1]} />}
          {point && <KeepVisible lng={point[0]} lat={point[1]} right={isMobile ? 0 : PANEL_WIDTH + 12} bottom={isMobile ? window.innerHeight * 0.5 : 0} />}
        </MapCanvas>
        {!isMobile && panel && <aside className="cc-map-panel">{panel}</aside>}
      </div>
      {isMobile && (
        <Drawer
          placement="bottom"
          open={!!point}
          onClose={() => setParam({ lng: null, lat: null })}
          mask={false}
          closable={false}
          size="50%"
          styles={{ body: { padding: 12 } }}
          title={null}
        >
          {panel}
        </Drawer>
      )}
    </div>
  );
}
