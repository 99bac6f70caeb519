/**
 * A small EXIF reader for phone photos: when and where a JPEG was taken. It walks the JPEG
 * markers to the APP1 "Exif" segment, reads the TIFF header (either byte order), IFD0, and from
 * there the Exif IFD (DateTimeOriginal, OffsetTimeOriginal) and the GPS IFD (latitude, longitude).
 * Pure: no DOM, so it runs in tests. Anything malformed yields nulls, never an exception.
 */
export interface PhotoExif {
  /** ISO 8601 instant; a time without an offset is read as the phone's local time. */
  takenAt: string | null;
  lat: number | null;
  lng: number | null;
}

const NONE: PhotoExif = { takenAt: null, lat: null, lng: null };

const TAG_EXIF_IFD = 0x8769;
const TAG_GPS_IFD = 0x8825;
const TAG_DATETIME = 0x0132;
const TAG_DATETIME_ORIGINAL = 0x9003;
const TAG_OFFSET_TIME_ORIGINAL = 0x9011;
const GPS_LAT_REF = 1;
const GPS_LAT = 2;
const GPS_LNG_REF = 3;
const GPS_LNG = 4;

interface Entry {
  type: number;
  count: number;
  /** Absolute offset of the value in the view (inline values point into the entry). */
  at: number;
}

const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8 };

export function readExif(input: ArrayBuffer | Uint8Array): PhotoExif {
  try {
    const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.byteLength < 4 || view.getUint16(0) !== 0xffd8) return NONE;
    let p = 2;
    while (p + 4 <= view.byteLength) {
      if (view.getUint8(p) !== 0xff) return NONE;
      const marker = view.getUint8(p + 1);
      if (marker === 0xff) { p += 1; continue; } // fill byte
      if (marker === 0xda || marker === 0xd9) return NONE; // image data: no EXIF before it
      const len = view.getUint16(p + 2);
      if (len < 2) return NONE;
      if (marker === 0xe1 && p + 10 <= view.byteLength && ascii(view, p + 4, 6) === 'Exif\0\0') {
        return readTiff(new DataView(view.buffer, view.byteOffset + p + 10, Math.max(0, Math.min(len - 8, view.byteLength - p - 10))));
      }
      p += 2 + len;
    }
  } catch {
    /* malformed: nothing */
  }
  return NONE;
}

function ascii(view: DataView, at: number, n: number): string {
  let s = '';
  for (let i = 0; i < n && at + i < view.byteLength; i++) s += String.fromCharCode(view.getUint8(at + i));
  return s;
}

function readTiff(tiff: DataView): PhotoExif {
  if (tiff.byteLength < 8) return NONE;
  const order = tiff.getUint16(0);
  if (order !== 0x4949 && order !== 0x4d4d) return NONE;
  const le = order === 0x4949;
  if (tiff.getUint16(2, le) !== 42) return NONE;

  const ifd = (offset: number): Map<number, Entry> => {
    const out = new Map<number, Entry>();
    if (offset <= 0 || offset + 2 > tiff.byteLength) return out;
    const n = tiff.getUint16(offset, le);
    for (let i = 0; i < n; i++) {
      const e = offset + 2 + i * 12;
      if (e + 12 > tiff.byteLength) break;
      const tag = tiff.getUint16(e, le);
      const type = tiff.getUint16(e + 2, le);
      const count = tiff.getUint32(e + 4, le);
      const size = (TYPE_SIZE[type] ?? 1) * count;
      const at = size <= 4 ? e + 8 : tiff.getUint32(e + 8, le);
      if (at + size > tiff.byteLength) continue;
      out.set(tag, { type, count, at });
    }
    return out;
  };
  const str = (e: Entry | undefined) => (e && e.type === 2 ? ascii(tiff, e.at, e.count).replace(/\0.*$/, '').trim() : null);
  const long = (e: Entry | undefined) => (e ? (e.type === 3 ? tiff.getUint16(e.at, le) : e.type === 4 ? tiff.getUint32(e.at, le) : null) : null);
  const rationals = (e: Entry | undefined) => {
    if (!e || e.type !== 5) return null;
    const out: number[] = [];
    for (let i = 0; i < e.count; i++) {
      const num = tiff.getUint32(e.at + i * 8, le);
      const den = tiff.getUint32(e.at + i * 8 + 4, le);
      if (den === 0) return null;
      out.push(num / den);
    }
    return out;
  };

  const ifd0 = ifd(tiff.getUint32(4, le));
  const exifAt = long(ifd0.get(TAG_EXIF_IFD));
  const gpsAt = long(ifd0.get(TAG_GPS_IFD));
  const exif = exifAt ? ifd(exifAt) : new Map<number, Entry>();
  const gps = gpsAt ? ifd(gpsAt) : new Map<number, Entry>();

  const takenAt = toInstant(str(exif.get(TAG_DATETIME_ORIGINAL)) ?? str(ifd0.get(TAG_DATETIME)), str(exif.get(TAG_OFFSET_TIME_ORIGINAL)));
  const coord = (value: Entry | undefined, ref: Entry | undefined, negative: string, limit: number) => {
    const dms = rationals(value);
    if (!dms || dms.length < 1) return null;
    const deg = dms[0]! + (dms[1] ?? 0) / 60 + (dms[2] ?? 0) / 3600;
    const signed = (str(ref) ?? '').toUpperCase() === negative ? -deg : deg;
    return Number.isFinite(signed) && Math.abs(signed) <= limit ? Math.round(signed * 1e7) / 1e7 : null;
  };
  let lat = coord(gps.get(GPS_LAT), gps.get(GPS_LAT_REF), 'S', 90);
  let lng = coord(gps.get(GPS_LNG), gps.get(GPS_LNG_REF), 'W', 180);
  // 0,0 is what some phones write without a fix.
  if (lat === null || lng === null || (lat === 0 && lng === 0)) { lat = null; lng = null; }
  return { takenAt, lat, lng };
}

/** 'YYYY:MM:DD HH:MM:SS' (+ '+08:00') → ISO instant; without an offset, the device's local time. */
function toInstant(text: string | null, offset: string | null): string | null {
  const m = text ? /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(text) : null;
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (y < 1990 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  const off = offset ? /^([+-])(\d{2}):?(\d{2})$/.exec(offset.trim()) : null;
  const t = off
    ? Date.UTC(y, mo - 1, d, h, mi, s) - (off[1] === '-' ? -1 : 1) * (Number(off[2]) * 60 + Number(off[3])) * 60_000
    : new Date(y, mo - 1, d, h, mi, s).getTime();
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}
