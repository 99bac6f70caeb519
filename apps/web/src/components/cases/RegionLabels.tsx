import { useEffect } from 'react';
import type { RegionFeature } from '../../api/map';
import { bboxCenter } from '../../map/geojson';
import L from '../../map/leaflet';
import { useMapContext } from '../../map/MapCanvas';

/** Names written on the map (there may be no basemap to read them from); they let clicks through. */
export function RegionLabels({ features }: { features: readonly RegionFeature[] }) {
  const ctx = useMapContext();
  useEffect(() => {
    if (!ctx) return;
    const group = L.layerGroup().addTo(ctx.map);
    for (const f of features) {
      const c = bboxCenter(f.geometry);
      if (!c) continue;
      const label = document.createElement('span');
      label.textContent = f.properties.name;
      L.marker(ctx.crs.toDisplay(c), {
        icon: L.divIcon({ className: 'cc-map-label', html: label, iconSize: undefined }),
        interactive: false,
        keyboard: false,
      }).addTo(group);
    }
    return () => {
      group.remove();
    };
  }, [ctx, features]);
  return null;
}

