import { useMemo } from 'react';
import type { PointView } from '@cc/domain';
import { useMapSettings, useRegionGeo } from '../../api/map';
import MapCanvas, { PANES } from '../../map/MapCanvas';
import { FitTo, ShapesLayer, type Shape } from '../../map/layers';
import { REGION_STYLE } from '../../map/styles';
import { pct, RATE_COLORS, rateColor } from './common';
import type { InspectionStrings } from './strings';

/**
 * Assessment points as dots coloured by a score rate (green ≥ 90 %, amber ≥ 80 %, red below, grey
 * not assessed). Loaded lazily (Leaflet).
 */
export default function PointsMap({
  points,
  rates,
  s,
  onSelect,
  height = 420,
  testId = 'points-map',
}: {
  points: readonly PointView[];
  /** Point id → rate; undefined when no plan is chosen (all dots blue). */
  rates?: ReadonlyMap<number, number | null>;
  s: InspectionStrings;
  onSelect?: (p: PointView) => void;
  height?: number;
  testId?: string;
}) {
  const settings = useMapSettings();
  const geo = useRegionGeo('community');
  const communities = useMemo<Shape[]>(
    () => (geo.data?.features ?? []).map((f) => ({ key: f.id, geometry: f.geometry, style: { ...REGION_STYLE.community, interactive: false } })),
    [geo.data],
  );
  const dots = useMemo<Shape[]>(
    () =>
      points.map((p) => {
        const rate = rates ? (rates.get(p.id) ?? null) : undefined;
        const fill = rates ? rateColor(rate) : '#1677ff';
        return {
          key: p.id,
          geometry: { type: 'Point', coordinates: [p.lng, p.lat] },
          style: { radius: 8, color: '#fff', weight: 2, fillColor: fill, fillOpacity: p.active ? 0.95 : 0.4 },
          tooltip: `${p.code} ${p.name}${rates ? ` · ${pct(rate, s.points.legendNone)}` : ''}`,
          attrs: { 'data-point-id': String(p.id), 'data-rate-color': fill },
          onClick: onSelect ? () => onSelect(p) : undefined,
        };
      }),
    [points, rates, s, onSelect],
  );
  if (settings.isLoading) return <div className="cc-map cc-map--plain" style={{ height }} aria-busy="true" />;
  const legend = rates ? (
    <div className="cc-map-legend">
      {(
        [
          ['good', s.points.legendGood],
          ['mid', s.points.legendMid],
          ['bad', s.points.legendBad],
          ['none', s.points.legendNone],
        ] as const
      ).map(([k, label]) => (
        <span key={k}>
          <span className="cc-map-legend__dot" style={{ background: RATE_COLORS[k] }} />
          {label}
        </span>
      ))}
    </div>
  ) : undefined;
  return (
    <MapCanvas label={s.points.title} view={settings.data?.mapCenter} style={{ height }} scrollWheelZoom={false} overlay={legend} data-testid={testId}>
      <ShapesLayer shapes={communities} pane={PANES.community} />
      <ShapesLayer shapes={dots} pane={PANES.point} />
      <FitTo shapes={dots} fitKey={`${points.length}`} maxZoom={16} />
    </MapCanvas>
  );
}
