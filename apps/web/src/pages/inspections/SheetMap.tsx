import { useMemo } from 'react';
import type { InspectionView } from '@cc/domain';
import { useMapSettings, useRegionGeo } from '../../api/map';
import MapCanvas, { PANES } from '../../map/MapCanvas';
import { FitTo, ShapesLayer, type Shape } from '../../map/layers';
import { REGION_STYLE } from '../../map/styles';
import type { InspectionStrings } from './strings';

export const SHEET_COLORS = { target: '#389e0d', sheet: '#1677ff', finding: '#cf1322' } as const;

/** Where the sheet was scored, where its problems are, and the target. Loaded lazily (Leaflet). */
export default function SheetMap({ sheet, s, height = 300 }: { sheet: InspectionView; s: InspectionStrings; height?: number }) {
  const settings = useMapSettings();
  const geo = useRegionGeo('community');
  const communities = useMemo<Shape[]>(
    () => (geo.data?.features ?? []).map((f) => ({ key: f.id, geometry: f.geometry, style: { ...REGION_STYLE.community, interactive: false } })),
    [geo.data],
  );
  const dots = useMemo<Shape[]>(() => {
    const out: Shape[] = [];
    const dot = (fill: string, radius: number) => ({ radius, color: '#fff', weight: 2, fillColor: fill, fillOpacity: 0.95 });
    if (sheet.target.lat !== null && sheet.target.lng !== null) {
      out.push({
        key: 'target',
        geometry: { type: 'Point', coordinates: [sheet.target.lng, sheet.target.lat] },
        style: { radius: 11, color: SHEET_COLORS.target, weight: 3, fillColor: SHEET_COLORS.target, fillOpacity: 0.25 },
        tooltip: `${s.detail.mapLegendTarget}: ${sheet.target.name}`,
        attrs: { 'data-marker': 'target' },
      });
    }
    if (sheet.lat !== null && sheet.lng !== null) {
      out.push({
        key: 'sheet',
        geometry: { type: 'Point', coordinates: [sheet.lng, sheet.lat] },
        style: dot(SHEET_COLORS.sheet, 7),
        tooltip: s.detail.mapLegendSheet,
        attrs: { 'data-marker': 'sheet' },
      });
    }
    sheet.findings.forEach((f, i) => {
      if (f.lat === null || f.lng === null) return;
      out.push({
        key: `f${f.id}`,
        geometry: { type: 'Point', coordinates: [f.lng, f.lat] },
        style: dot(SHEET_COLORS.finding, 6),
        tooltip: `${i + 1}. ${f.note}`,
        attrs: { 'data-marker': 'finding' },
      });
    });
    return out;
  }, [sheet, s]);

  if (settings.isLoading) return <div className="cc-map cc-map--plain" style={{ height }} aria-busy="true" />;
  const legend = (
    <div className="cc-map-legend">
      {(['target', 'sheet', 'finding'] as const).map((k) => (
        <span key={k}>
          <span className="cc-map-legend__dot" style={{ background: SHEET_COLORS[k] }} />
          {{ target: s.detail.mapLegendTarget, sheet: s.detail.mapLegendSheet, finding: s.detail.mapLegendFinding }[k]}
        </span>
      ))}
    </div>
  );
  return (
    <>
      <MapCanvas label={s.detail.map} view={settings.data?.mapCenter} style={{ height }} scrollWheelZoom={false} data-testid="sheet-map">
        <ShapesLayer shapes={communities} pane={PANES.community} />
        <ShapesLayer shapes={dots} pane={PANES.point} />
        <FitTo shapes={dots} fitKey={`${sheet.id}:${dots.length}`} maxZoom={17} />
      </MapCanvas>
      <div style={{ marginTop: 6 }}>{legend}</div>
    </>
  );
}
