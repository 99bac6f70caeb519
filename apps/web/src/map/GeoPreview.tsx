import { useMemo } from 'react';
import { useAuth } from '../app/auth';
import { useMapSettings } from '../api/map';
import MapCanvas from './MapCanvas';
import { FitTo, PinMarker, ShapesLayer, type Shape } from './layers';
import type { LngLat } from './crs';

export interface GeoPreviewProps {
  /** Accessible name of the map. */
  label: string;
  shapes: readonly Shape[];
  /** Refit to the shapes (and pin) when this changes. */
  fitKey: string;
  pin?: { lng: number; lat: number } | null;
  height?: number | string;
  /** Click to pick a point (WGS-84). */
  onPick?: (point: LngLat) => void;
  'data-testid'?: string;
}

/**
 * A small map for a record: a region with its children, a road segment, a zone, a unit's location.
 * Loaded lazily (it brings Leaflet) by the pages that show it.
 */
export default function GeoPreview({ label, shapes, fitKey, pin, height = 280, onPick, ...rest }: GeoPreviewProps) {
  const { can } = useAuth();
  const settings = useMapSettings(can('map.read'));
  const fitShapes = useMemo<Shape[]>(
    () => (pin ? [...shapes, { key: '__pin', geometry: { type: 'Point', coordinates: [pin.lng, pin.lat] } }] : [...shapes]),
    [shapes, pin],
  );
  const view = pin && !shapes.length ? { lng: pin.lng, lat: pin.lat, zoom: 17 } : settings.data?.mapCenter;
  // Wait for the city's centre so an empty map does not open somewhere else.
  if (settings.isLoading) return <div className="cc-map cc-map--plain" style={{ height }} aria-busy="true" />;
  return (
    <MapCanvas
      label={label}
      view={view}
      style={{ height }}
      scrollWheelZoom={false}
      onClick={onPick}
      className={onPick ? 'cc-map--pick' : undefined}
      data-testid={rest['data-testid']}
    >
      <ShapesLayer shapes={shapes} pane="cc-community" />
      {pin && <PinMarker lng={pin.lng} lat={pin.lat} />}
      <FitTo shapes={fitShapes} fitKey={fitKey} />
    </MapCanvas>
  );
}
