import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useMapSettings, useRegionGeo } from '../../api/map';
import { useAuth } from '../../app/auth';
import MapCanvas, { PANES, type MapView } from '../../map/MapCanvas';
import { FitTo, PinMarker, ShapesLayer, type Shape } from '../../map/layers';
import { REGION_STYLE } from '../../map/styles';
import type { LngLat } from '../../map/crs';
import { RegionLabels } from './RegionLabels';

export interface Place {
  lng: number;
  lat: number;
}

/**
 * Where the problem is: a click on the map puts the pin there. Streets and communities are drawn
 * and named so the place can be found even without a basemap. The map opens at the city's centre
 * (a user who sees part of the city: at that part) and only moves when `focus` changes (e.g. "use
 * my location"), never under the user's finger.
 * Loaded lazily: it brings Leaflet.
 */
export default function PlacePicker({
  value,
  onPick,
  focus,
  height = 320,
}: {
  value: Place | null;
  onPick: (p: Place) => void;
  focus?: MapView | null;
  height?: number;
}) {
  const { t } = useTranslation();
  const { me } = useAuth();
  const settings = useMapSettings();
  const geo = useRegionGeo();
  const communities = useMemo(() => (geo.data?.features ?? []).filter((f) => f.properties.level === 'community'), [geo.data]);
  const shapes = useMemo(() => {
    const of = (level: 'street' | 'community'): Shape[] =>
      (geo.data?.features ?? [])
        .filter((f) => f.properties.level === level)
        .map((f) => ({
          key: f.id,
          geometry: f.geometry,
          style: { ...REGION_STYLE[level], interactive: false },
          attrs: { 'data-region-id': String(f.id) },
        }));
    return { street: of('street'), community: of('community') };
  }, [geo.data]);

  if (settings.isLoading) return <div className="cc-map cc-map--plain" style={{ height }} aria-busy="true" />;
  const view = focus ?? settings.data?.mapCenter;
  return (
    <MapCanvas
      label={t('cases.new.mapLabel')}
      view={view}
      style={{ height }}
      scrollWheelZoom={false}
      className="cc-map--pick"
      onClick={(p: LngLat) => onPick({ lng: p[0], lat: p[1] })}
      data-testid="map-canvas"
    >
      <ShapesLayer shapes={shapes.street} pane={PANES.street} />
      <ShapesLayer shapes={shapes.community} pane={PANES.community} />
      <RegionLabels features={communities} />
      {/* A community or a street sees only its own area: show that, not the city's centre. */}
      {me?.scope !== 'tenant' && !focus && <FitTo shapes={shapes.community.length ? shapes.community : shapes.street} fitKey={String(shapes.community.length + shapes.street.length)} />}
      {value && <PinMarker lng={value.lng} lat={value.lat} />}
    </MapCanvas>
  );
}
