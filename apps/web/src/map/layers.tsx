import { useEffect, useState } from 'react';
import type { LayerGroup, PathOptions, LatLngBounds } from 'leaflet';
import L from './leaflet';
import { useMapContext } from './MapCanvas';
import type { DisplayCrs } from './crs';

/** Any GeoJSON geometry we draw, in WGS-84 [lng, lat]. */
export interface GeometryJson {
  type: string;
  coordinates: unknown;
}

export interface Shape {
  key: string | number;
  geometry: GeometryJson;
  style?: PathOptions & { radius?: number };
  /** Shown on hover. */
  tooltip?: string;
  /** Set on the drawn SVG element, e.g. { 'data-shop-id': '12' } (for tests and styling). */
  attrs?: Record<string, string>;
  onClick?: () => void;
}

function toGeoJsonLayer(shapes: readonly Shape[], crs: DisplayCrs, pane: string | undefined): L.GeoJSON {
  const byFeature = new Map<object, Shape>();
  const features = shapes.map((s) => {
    const f = { type: 'Feature' as const, properties: {}, geometry: s.geometry as GeoJSON.Geometry };
    byFeature.set(f, s);
    return f;
  });
  return L.geoJSON({ type: 'FeatureCollection', features } as GeoJSON.FeatureCollection, {
    pane,
    coordsToLatLng: (c) => L.latLng(crs.toDisplay(c)),
    style: (f) => (f ? (byFeature.get(f)?.style ?? {}) : {}),
    pointToLayer: (f, latlng) => {
      const s = byFeature.get(f);
      return L.circleMarker(latlng, { radius: 6, pane, ...(s?.style ?? {}) });
    },
    onEachFeature: (f, layer) => {
      const s = byFeature.get(f);
      if (!s) return;
      if (s.tooltip) layer.bindTooltip(s.tooltip, { sticky: true, direction: 'top', opacity: 0.95 });
      if (s.onClick) layer.on('click', () => s.onClick?.());
      if (s.attrs) {
        layer.on('add', () => {
          const el = (layer as L.Path).getElement?.();
          if (el) for (const [k, v] of Object.entries(s.attrs!)) el.setAttribute(k, v);
        });
      }
    },
  });
}

/**
 * A group of shapes on the map. With `name` it appears in the layer switcher; the group itself is
 * kept across data changes, so a layer the user switched off stays off.
 */
export function ShapesLayer({
  shapes,
  name,
  pane,
  defaultVisible = true,
}: {
  shapes: readonly Shape[];
  name?: string;
  pane?: string;
  defaultVisible?: boolean;
}) {
  const ctx = useMapContext();
  const [group] = useState<LayerGroup>(() => L.layerGroup());

  useEffect(() => {
    if (!ctx) return;
    if (defaultVisible) group.addTo(ctx.map);
    return () => {
      group.remove();
    };
    // The initial visibility only; afterwards the user decides.
  }, [ctx, group]);

  useEffect(() => {
    if (!ctx?.control || !name) return;
    ctx.control.addOverlay(group, name);
    return () => {
      ctx.control?.removeLayer(group);
    };
  }, [ctx, group, name]);

  useEffect(() => {
    if (!ctx) return;
    group.clearLayers();
    if (shapes.length) group.addLayer(toGeoJsonLayer(shapes, ctx.crs, pane));
  }, [ctx, group, shapes, pane]);

  return null;
}

/** The default Leaflet pin at a WGS-84 point. */
export function PinMarker({ lng, lat, title }: { lng: number; lat: number; title?: string }) {
  const ctx = useMapContext();
  useEffect(() => {
    if (!ctx) return;
    const marker = L.marker(ctx.crs.toDisplay([lng, lat]), { title, keyboard: false, pane: 'markerPane' }).addTo(ctx.map);
    return () => {
      marker.remove();
    };
  }, [ctx, lng, lat, title]);
  return null;
}

/** Bounds of shapes in display coordinates, or null when there is nothing to show. */
export function boundsOf(shapes: readonly Shape[], crs: DisplayCrs): LatLngBounds | null {
  if (!shapes.length) return null;
  const b = toGeoJsonLayer(shapes, crs, undefined).getBounds();
  return b.isValid() ? b : null;
}

/** Fit the map to these shapes whenever `fitKey` changes. */
export function FitTo({ shapes, fitKey, maxZoom = 17 }: { shapes: readonly Shape[]; fitKey: string; maxZoom?: number }) {
  const ctx = useMapContext();
  useEffect(() => {
    if (!ctx) return;
    const b = boundsOf(shapes, ctx.crs);
    if (b) ctx.map.fitBounds(b, { padding: [16, 16], maxZoom, animate: false });
    // Refit only when the caller says the subject changed, not on every render.
  }, [ctx, fitKey]);
  return null;
}

/** Keep a WGS-84 point visible, clear of a panel covering the right (or bottom) edge. */
export function KeepVisible({ lng, lat, right = 0, bottom = 0 }: { lng: number; lat: number; right?: number; bottom?: number }) {
  const ctx = useMapContext();
  useEffect(() => {
    if (!ctx) return;
    ctx.map.panInside(ctx.crs.toDisplay([lng, lat]), { paddingBottomRight: [right + 24, bottom + 24], paddingTopLeft: [24, 24] });
  }, [ctx, lng, lat, right, bottom]);
  return null;
}
