import { useEffect, useRef } from 'react';
import type { Map as LeafletMap, Marker } from 'leaflet';
import L from '../map/leaflet';
import { displayCrs, type TileCrs } from '../map/crs';

export interface PublicMapProps {
  label: string;
  /** The city's centre, where the map opens. */
  center: { lng: number; lat: number; zoom: number };
  /** Tile URL template from the city's settings; empty = no basemap. */
  tileUrl: string;
  tileCrs: string;
  /** The chosen point (WGS-84). */
  value: { lng: number; lat: number } | null;
  onPick: (point: { lng: number; lat: number }) => void;
  noBasemapNote: string;
}

/**
 * The small map of the report page: opens at the city's centre, a tap drops the pin there, a
 * position from the phone's location moves the map to it. Its own Leaflet map rather than the
 * office's MapCanvas: the basemap comes with the public city, and the office's note about
 * configuring TILE_URL means nothing to a resident. Loaded lazily (it brings Leaflet).
 */
export default function PublicMap({ label, center, tileUrl, tileCrs, value, onPick, noBasemapNote }: PublicMapProps) {
  const ref = useRef<HTMLDivElement>(null);
  const mapRef = useRef<{ map: LeafletMap; marker: Marker | null; crs: ReturnType<typeof displayCrs> } | null>(null);
  const onPickRef = useRef(onPick);
  onPickRef.current = onPick;
  const centerRef = useRef(center);
  centerRef.current = center;

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const crs = displayCrs(tileCrs === 'gcj02' ? 'gcj02' : ('wgs84' satisfies TileCrs));
    const c = centerRef.current;
    const map = L.map(el, {
      center: crs.toDisplay([c.lng, c.lat]),
      zoom: c.zoom,
      maxZoom: 19,
      minZoom: 3,
      scrollWheelZoom: false,
      attributionControl: Boolean(tileUrl),
      zoomSnap: 1,
    });
    map.attributionControl?.setPrefix(false);
    if (tileUrl) L.tileLayer(tileUrl, { maxZoom: 19, crossOrigin: false }).addTo(map);
    map.on('click', (e) => {
      const [lng, lat] = crs.toWgs(e.latlng.lat, e.latlng.lng);
      onPickRef.current({ lng, lat });
    });
    const observer = new ResizeObserver(() => map.invalidateSize());
    observer.observe(el);
    mapRef.current = { map, marker: null, crs };
    return () => {
      observer.disconnect();
      mapRef.current = null;
      map.remove();
    };
  }, [tileUrl, tileCrs]);

  // The pin follows the value; a point off the visible map (from the phone's location) is brought into view.
  const lng = value?.lng;
  const lat = value?.lat;
  useEffect(() => {
    const m = mapRef.current;
    if (!m) return;
    m.marker?.remove();
    m.marker = null;
    if (lng === undefined || lat === undefined) return;
    const at = m.crs.toDisplay([lng, lat]);
    m.marker = L.marker(at, { keyboard: false, interactive: false }).addTo(m.map);
    if (!m.map.getBounds().pad(-0.1).contains(at)) m.map.setView(at, Math.max(m.map.getZoom(), 16), { animate: false });
  }, [lng, lat, tileUrl, tileCrs]);

  return (
    <div className={`cc-map cc-place__map ${tileUrl ? '' : 'cc-map--plain'}`}>
      <div
        ref={ref}
        className="cc-map__canvas"
        role="region"
        aria-label={label}
        data-testid="report-map"
        data-lng={lng ?? ''}
        data-lat={lat ?? ''}
      />
      {!tileUrl && (
        <div className="cc-map__corner">
          <div className="cc-map__note">{noBasemapNote}</div>
        </div>
      )}
    </div>
  );
}
