import gcoord from 'gcoord';

/** How the basemap's tiles are drawn: plain WGS-84 or China's GCJ-02 (AutoNavi, Tencent tiles). */
export type TileCrs = 'wgs84' | 'gcj02';

/** A WGS-84 position in GeoJSON order: [lng, lat]. The API only ever speaks this. */
export type LngLat = [number, number];

export interface DisplayCrs {
  readonly kind: TileCrs;
  /** WGS-84 [lng, lat] → the [lat, lng] Leaflet draws at (GCJ-02 shifted on Chinese tiles). */
  toDisplay(p: readonly number[]): [number, number];
  /** A point on the screen (Leaflet lat/lng in the tiles' system) → WGS-84 [lng, lat] for the API. */
  toWgs(lat: number, lng: number): LngLat;
}

const round7 = (v: number) => Math.round(v * 1e7) / 1e7;

export function displayCrs(kind: TileCrs): DisplayCrs {
  if (kind === 'gcj02') {
    return {
      kind,
      toDisplay(p) {
        const [lng, lat] = gcoord.transform([p[0]!, p[1]!], gcoord.WGS84, gcoord.GCJ02);
        return [lat, lng];
      },
      toWgs(lat, lng) {
        const [x, y] = gcoord.transform([lng, lat], gcoord.GCJ02, gcoord.WGS84);
        return [round7(x), round7(y)];
      },
    };
  }
  return {
    kind: 'wgs84',
    toDisplay: (p) => [p[1]!, p[0]!],
    toWgs: (lat, lng) => [round7(lng), round7(lat)],
  };
}
