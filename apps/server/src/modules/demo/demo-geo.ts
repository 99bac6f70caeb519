import type { AreaGeometry, LineStringGeometry, Position } from '@cc/domain';
import type { DemoRegion } from './demo-city.data.js';

/**
 * Made-up but coherent geometry for the demo county: streets are bands, communities strips of
 * their street, grids slices of their community, so every grid lies inside its community. Roads
 * run along and across the strips. All in WGS-84 around a point in central China; kilometres are
 * converted with the local scale, which is exact enough for a demo.
 */
const ORIGIN: Position = [113.64, 34.74];
const KM_LNG = 1 / (111.32 * Math.cos((ORIGIN[1] * Math.PI) / 180));
const KM_LAT = 1 / 110.574;
const round = (v: number) => Math.round(v * 1e6) / 1e6;
export const at = (xKm: number, yKm: number): Position => [round(ORIGIN[0] + xKm * KM_LNG), round(ORIGIN[1] + yKm * KM_LAT)];

export interface Rect { x0: number; y0: number; x1: number; y1: number }
export const rectPolygon = (r: Rect): AreaGeometry => ({
  type: 'Polygon',
  coordinates: [[at(r.x0, r.y0), at(r.x1, r.y0), at(r.x1, r.y1), at(r.x0, r.y1), at(r.x0, r.y0)]],
});
const line = (a: [number, number], b: [number, number]): LineStringGeometry => ({ type: 'LineString', coordinates: [at(...a), at(...b)] });

/** Street bands (y ranges in km) and the x-widths of their communities, in data order. */
const STREET_BANDS: { y0: number; y1: number }[] = [
  { y0: 0, y1: 1.6 }, // 城关镇, north band
  { y0: -1.6, y1: 0 }, // 凤凰山街道, south band
];
const WIDTH_KM = 4;

/** Rectangles for every region code of the demo tree. */
export function demoRegionRects(county: DemoRegion): Map<string, Rect> {
  const rects = new Map<string, Rect>();
  rects.set(county.code, { x0: 0, y0: STREET_BANDS[1]!.y0, x1: WIDTH_KM, y1: STREET_BANDS[0]!.y1 });
  (county.children ?? []).forEach((street, si) => {
    const band = STREET_BANDS[si % STREET_BANDS.length]!;
    rects.set(street.code, { x0: 0, y0: band.y0, x1: WIDTH_KM, y1: band.y1 });
    // West to east as the names say: 西关 on the west edge, 东关 on the east.
    const side = (name: string) => (name.includes('西') ? 0 : name.includes('东') ? 2 : 1);
    const communities = [...(street.children ?? [])].sort((a, b) => side(a.name) - side(b.name));
    const w = WIDTH_KM / Math.max(1, communities.length);
    communities.forEach((c, ci) => {
      const cr = { x0: ci * w, y0: band.y0, x1: (ci + 1) * w, y1: band.y1 };
      rects.set(c.code, cr);
      const grids = c.children ?? [];
      const h = (cr.y1 - cr.y0) / Math.max(1, grids.length);
      grids.forEach((g, gi) => rects.set(g.code, { x0: cr.x0, y0: cr.y0 + gi * h, x1: cr.x1, y1: cr.y0 + (gi + 1) * h }));
    });
  });
  return rects;
}

export interface DemoSegment { code: string; name: string; from: string; to: string; geometry: LineStringGeometry; streetIndex: number }

/** 人民路 across the town, 建设路 across the street office, 解放大道 north–south through both. */
export function demoSegments(): DemoSegment[] {
  const seg: DemoSegment[] = [];
  const renmin = [['西段', '西环路', '文化路'], ['中段', '文化路', '解放大道'], ['东段', '解放大道', '东环路']] as const;
  renmin.forEach(([part, from, to], i) => {
    const x0 = (i * WIDTH_KM) / 3;
    seg.push({ code: `RD-RM-${i + 1}`, name: `人民路${part}`, from, to, geometry: line([x0, 0.8], [x0 + WIDTH_KM / 3, 0.8]), streetIndex: 0 });
  });
  const jianshe = [['西段', '西环路', '凤凰路'], ['东段', '凤凰路', '东环路']] as const;
  jianshe.forEach(([part, from, to], i) => {
    const x0 = (i * WIDTH_KM) / 2;
    seg.push({ code: `RD-JS-${i + 1}`, name: `建设路${part}`, from, to, geometry: line([x0, -0.8], [x0 + WIDTH_KM / 2, -0.8]), streetIndex: 1 });
  });
  seg.push({ code: 'RD-JF-1', name: '解放大道北段', from: '北环路', to: '人民路', geometry: line([2.02, 1.6], [2.02, 0.8]), streetIndex: 0 });
  seg.push({ code: 'RD-JF-2', name: '解放大道中段', from: '人民路', to: '建设路', geometry: line([2.02, 0.8], [2.02, -0.8]), streetIndex: 0 });
  seg.push({ code: 'RD-JF-3', name: '解放大道南段', from: '建设路', to: '南环路', geometry: line([2.02, -0.8], [2.02, -1.6]), streetIndex: 1 });
  return seg;
}

/** Five responsibility zones of the market town (十分制日评比, S7): strips of the town band. */
export function demoZones(): { code: string; name: string; geometry: AreaGeometry }[] {
  const names = ['一', '二', '三', '四', '五'];
  const w = WIDTH_KM / 5;
  return names.map((n, i) => ({
    code: `ZONE-${i + 1}`,
    name: `城关镇第${n}责任区`,
    geometry: rectPolygon({ x0: i * w, y0: 0.5, x1: (i + 1) * w, y1: 1.1 }),
  }));
}

/**
 * A point for a unit inside its region: shops 12 m off the road that crosses their grid (or the
 * grid's centre), other units spread around the region's centre. `n` spreads units apart.
 */
export function demoUnitPoint(rect: Rect, kind: string, n: number): Position {
  const cx = (rect.x0 + rect.x1) / 2;
  const w = rect.x1 - rect.x0;
  const dx = ((n % 5) - 2) * Math.min(0.12, w / 8);
  if (kind === 'merchant') {
    const road = [0.8, -0.8].find((y) => y > rect.y0 && y < rect.y1);
    const y = road !== undefined ? road + 0.012 : (rect.y0 + rect.y1) / 2;
    return at(cx + dx, y);
  }
  const cy = (rect.y0 + rect.y1) / 2 + ((Math.floor(n / 5) % 3) - 1) * 0.1;
  return at(cx + dx, cy);
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭', '马', '罗'];
const GIVEN = ['建华', '国庆', '秀英', '志强', '丽娟', '海涛', '红梅', '文斌', '春燕', '永刚', '晓东', '桂芳', '振宇', '淑珍', '立军', '玉兰', '伟民', '雪梅', '德胜', '慧敏'];
/** Deterministic invented names: the i-th demo person always gets the same name. */
export function demoPersonName(i: number): string {
  return SURNAMES[(i * 7) % SURNAMES.length]! + GIVEN[(i * 3 + Math.floor(i / SURNAMES.length)) % GIVEN.length]!;
}
