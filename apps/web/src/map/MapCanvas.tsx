import { createContext, useContext, useEffect, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Map as LeafletMap, Control } from 'leaflet';
import { useClientConfig } from '../api/auth';
import L from './leaflet';
import { displayCrs, type DisplayCrs, type LngLat } from './crs';

export interface MapView {
  lng: number;
  lat: number;
  zoom: number;
}

interface MapContextValue {
  map: LeafletMap;
  crs: DisplayCrs;
  control: Control.Layers | null;
}

const MapContext = createContext<MapContextValue | null>(null);

/** The Leaflet map and coordinate conversion, for layers drawn inside a MapCanvas. */
export function useMapContext(): MapContextValue | null {
  return useContext(MapContext);
}

/** Panes keep the drawing order fixed whatever the user toggles: areas below lines below points. */
export const PANES = {
  street: 'cc-street',
  community: 'cc-community',
  grid: 'cc-grid',
  zone: 'cc-zone',
  segment: 'cc-segment',
  point: 'cc-point',
} as const;
const PANE_Z: Record<string, number> = {
  'cc-street': 401,
  'cc-community': 402,
  'cc-grid': 403,
  'cc-zone': 404,
  'cc-segment': 405,
  'cc-point': 406,
};

/** Used only until the city's own centre (settings.mapCenter) is known. */
const FALLBACK_VIEW: MapView = { lng: 113.6654, lat: 34.7579, zoom: 13 };

interface Props {
  /** Initial view (WGS-84). Changing it later moves the map. */
  view?: MapView;
  /** Accessible name of the map region. */
  label: string;
  className?: string;
  style?: CSSProperties;
  /** Add a layer switcher; layers register themselves with `name`. */
  layerControl?: boolean;
  /** Keep the layer switcher folded into its button (phones). */
  layerControlCollapsed?: boolean;
  scrollWheelZoom?: boolean;
  /** A click on the map, converted to WGS-84 [lng, lat]. */
  onClick?: (point: LngLat) => void;
  /** Shown over the map's bottom-left corner (legend). */
  overlay?: ReactNode;
  children?: ReactNode;
  'data-testid'?: string;
}

/**
 * A Leaflet map. With a tile server configured (TILE_URL) it draws the basemap, converting our
 * WGS-84 data to GCJ-02 when the tiles need it (TILE_CRS=gcj02); without one it draws the layers
 * on a neutral background and says how to add a basemap. Nothing is loaded from the internet.
 */
export default function MapCanvas({
  view,
  label,
  className,
  style,
  layerControl = false,
  layerControlCollapsed = false,
  scrollWheelZoom = true,
  onClick,
  overlay,
  children,
  ...rest
}: Props) {
  const { t } = useTranslation();
  const config = useClientConfig();
  const ref = useRef<HTMLDivElement>(null);
  const [ctx, setCtx] = useState<MapContextValue | null>(null);
  const onClickRef = useRef(onClick);
  onClickRef.current = onClick;
  const viewRef = useRef(view);
  viewRef.current = view;

  const tileUrl = config.data?.tileUrl ?? '';
  const tileCrs = config.data?.tileCrs ?? 'wgs84';
  const ready = config.isSuccess || config.isError;

  useEffect(() => {
    const el = ref.current;
    if (!ready || !el) return;
    const crs = displayCrs(tileCrs);
    const v = viewRef.current ?? FALLBACK_VIEW;
    const map = L.map(el, {
      center: crs.toDisplay([v.lng, v.lat]),
      zoom: v.zoom,
      maxZoom: 19,
      minZoom: 3,
      scrollWheelZoom,
      attributionControl: Boolean(tileUrl),
      zoomSnap: 1,
    });
    map.attributionControl?.setPrefix(false);
    for (const [name, z] of Object.entries(PANE_Z)) map.createPane(name).style.zIndex = String(z);
    if (tileUrl) L.tileLayer(tileUrl, { maxZoom: 19, crossOrigin: false }).addTo(map);
    const control = layerControl ? L.control.layers(undefined, undefined, { collapsed: layerControlCollapsed, position: 'topleft' }).addTo(map) : null;
    map.on('click', (e) => onClickRef.current?.(crs.toWgs(e.latlng.lat, e.latlng.lng)));
    // The container may change size (window, drawer, sidebar): keep the centre where it was.
    const observer = new ResizeObserver(() => map.invalidateSize());
    observer.observe(el);
    setCtx({ map, crs, control });
    return () => {
      observer.disconnect();
      setCtx(null);
      map.remove();
    };
  }, [ready, tileUrl, tileCrs, layerControl, layerControlCollapsed, scrollWheelZoom]);

  // A later view (e.g. settings arrived, or the caller re-centres) moves the map.
  const lng = view?.lng;
  const lat = view?.lat;
  const zoom = view?.zoom;
  const firstView = useRef(true);
  useEffect(() => {
    if (!ctx || lng === undefined || lat === undefined || zoom === undefined) return;
    if (firstView.current) {
      firstView.current = false;
      return;
    }
    ctx.map.setView(ctx.crs.toDisplay([lng, lat]), zoom);
  }, [ctx, lng, lat, zoom]);

  return (
    <div className={`cc-map ${tileUrl ? '' : 'cc-map--plain'} ${className ?? ''}`} style={style}>
      <div ref={ref} className="cc-map__canvas" role="region" aria-label={label} data-testid={rest['data-testid']} data-tile-crs={tileCrs} />
      {(overlay || (ready && !tileUrl)) && (
        <div className="cc-map__corner">
          {overlay}
          {ready && !tileUrl && (
            <div className="cc-map__note" data-testid="map-no-basemap">
              {t('map.noBasemap')}
            </div>
          )}
        </div>
      )}
      {ctx && <MapContext.Provider value={ctx}>{children}</MapContext.Provider>}
    </div>
  );
}
