import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { HotSpot } from '@cc/domain';
import { useCase } from '../../api/cases';
import { useMapSettings, useRegionGeo } from '../../api/map';
import { MapPopup } from '../../components/cases/MapPopup';
import { RegionLabels } from '../../components/cases/RegionLabels';
import MapCanvas, { PANES } from '../../map/MapCanvas';
import { ShapesLayer, type Shape } from '../../map/layers';
import { REGION_STYLE } from '../../map/styles';

const MAX_LINKS = 12;
/** A dot's radius grows with the square root of its relapses: area ∝ count. */
export const hotSpotRadius = (relapses: number) => Math.min(28, 6 + 4 * Math.sqrt(relapses));

/** A link to a case, named by its number once loaded. */
function CaseLink({ id }: { id: number }) {
  const c = useCase(id);
  return <Link to={`/cases/${id}`}>{c.data?.number ?? `#${id}`}</Link>;
}

/** 反弹热点: where closed problems come back, one circle per place and category. Loaded lazily (Leaflet). */
export default function HotSpotMap({ items, height = 360 }: { items: readonly HotSpot[]; height?: number }) {
  const { t } = useTranslation();
  const settings = useMapSettings();
  const geo = useRegionGeo('community');
  const [selected, setSelected] = useState<number | null>(null);
  const features = useMemo(() => geo.data?.features ?? [], [geo.data]);
  const communities = useMemo<Shape[]>(
    () => features.map((f) => ({ key: f.id, geometry: f.geometry, style: { ...REGION_STYLE.community, interactive: false } })),
    [features],
  );
  const dots = useMemo<Shape[]>(
    () =>
      items.map((h, i) => ({
        key: `${h.category.code}:${h.lat}:${h.lng}`,
        geometry: { type: 'Point', coordinates: [h.lng, h.lat] },
        style: { radius: hotSpotRadius(h.relapses), color: '#fff', weight: 1.5, fillColor: '#c8161d', fillOpacity: 0.7 },
        tooltip: t('caseStats.hotSpotTip', { category: h.category.name, n: h.relapses }),
        attrs: { 'data-hotspot': String(i) },
        onClick: () => setSelected(i),
      })),
    [items, t],
  );
  const h = selected !== null ? items[selected] : undefined;

  if (settings.isLoading) return <div className="cc-map cc-map--plain" style={{ height }} aria-busy="true" />;
  return (
    <MapCanvas label={t('caseStats.hotSpots')} view={settings.data?.mapCenter} style={{ height }} scrollWheelZoom={false} data-testid="hotspot-map">
      <ShapesLayer shapes={communities} pane={PANES.community} />
      <RegionLabels features={features} />
      <ShapesLayer shapes={dots} pane={PANES.point} />
      {h && (
        <MapPopup lng={h.lng} lat={h.lat} onClose={() => setSelected(null)}>
          <div data-testid="hotspot-popup">
            <Typography.Text strong>{h.category.name}</Typography.Text>
            <div>{t('caseStats.hotSpotCounts', { relapses: h.relapses, cases: h.cases })}</div>
            <div className="cc-hotspot-links">
              {h.caseIds.slice(0, MAX_LINKS).map((id) => (
                <CaseLink key={id} id={id} />
              ))}
              {h.caseIds.length > MAX_LINKS && <span>…</span>}
            </div>
          </div>
        </MapPopup>
      )}
    </MapCanvas>
  );
}
