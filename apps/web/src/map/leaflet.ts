/**
 * Leaflet with everything it needs bundled locally: its CSS, and the default marker images imported
 * from the package (Leaflet otherwise guesses their URL from the CSS, which breaks after bundling).
 * Only lazily loaded modules import this file, so Leaflet never weighs on the first page load.
 */
import 'leaflet/dist/leaflet.css';
import L from 'leaflet';
import iconUrl from 'leaflet/dist/images/marker-icon.png';
import iconRetinaUrl from 'leaflet/dist/images/marker-icon-2x.png';
import shadowUrl from 'leaflet/dist/images/marker-shadow.png';

delete (L.Icon.Default.prototype as unknown as { _getIconUrl?: unknown })._getIconUrl;
L.Icon.Default.mergeOptions({ iconUrl, iconRetinaUrl, shadowUrl });

export default L;
