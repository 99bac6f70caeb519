import { useEffect, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import L from '../../map/leaflet';
import { useMapContext } from '../../map/MapCanvas';

/**
 * A Leaflet popup whose content is React (links keep the router): the content is rendered into the
 * popup's element through a portal. Closing the popup (its ×, a click on the map) calls onClose.
 */
export function MapPopup({ lng, lat, onClose, children }: { lng: number; lat: number; onClose: () => void; children: ReactNode }) {
  const ctx = useMapContext();
  const [el] = useState(() => document.createElement('div'));
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  useEffect(() => {
    if (!ctx) return;
    const popup = L.popup({ autoPan: true, maxWidth: 280, minWidth: 180 }).setLatLng(ctx.crs.toDisplay([lng, lat])).setContent(el);
    const closed = () => onCloseRef.current();
    popup.on('remove', closed);
    popup.openOn(ctx.map);
    return () => {
      popup.off('remove', closed);
      popup.remove();
    };
  }, [ctx, el, lng, lat]);
  return createPortal(children, el);
}
