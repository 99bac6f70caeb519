import { describe, expect, it } from 'vitest';
import { readExif } from './exif';

type Value = { type: 2; text: string } | { type: 4; value: number } | { type: 5; values: [number, number][] };
type Slot = Value | 'exif' | 'gps';
type Ifd = Map<number, Slot>;
const ifd = (entries: [number, Slot][]): Ifd => new Map(entries);

/**
 * A minimal JPEG: SOI, an APP0 to skip, APP1 "Exif" with a TIFF block (IFD0 → Exif IFD and GPS
 * IFD), then SOS/EOI. Offsets are computed like a camera writes them.
 */
function jpeg(opts: { littleEndian: boolean; ifd0: Ifd; exif?: Ifd; gps?: Ifd }): Uint8Array {
  const le = opts.littleEndian;
  const tiff: number[] = [];
  const u16 = (v: number) => (le ? [v & 0xff, v >> 8] : [v >> 8, v & 0xff]);
  const u32 = (v: number) => (le ? [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24] : [v >>> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]);
  const put = (at: number, bytes: number[]) => bytes.forEach((b, i) => { tiff[at + i] = b; });
  tiff.push(...(le ? [0x49, 0x49] : [0x4d, 0x4d]), ...u16(42), ...u32(8));
  const writeIfd = (entries: Ifd): { at: number; links: Map<'exif' | 'gps', number> } => {
    const at = tiff.length;
    const list = [...entries.entries()].sort((a, b) => a[0] - b[0]);
    tiff.push(...u16(list.length));
    const slots: { pos: number; v: Value | 'exif' | 'gps' }[] = [];
    for (const [tag, v] of list) {
      const pos = tiff.length;
      tiff.push(...u16(tag), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
      slots.push({ pos, v });
    }
    tiff.push(...u32(0));
    const links = new Map<'exif' | 'gps', number>();
    for (const { pos, v } of slots) {
      if (v === 'exif' || v === 'gps') { put(pos + 2, [...u16(4), ...u32(1)]); links.set(v, pos + 8); continue; }
      if (v.type === 4) { put(pos + 2, [...u16(4), ...u32(1), ...u32(v.value)]); continue; }
      const data = v.type === 2 ? [...v.text].map((c) => c.charCodeAt(0)).concat(0) : v.values.flatMap(([n, d]) => [...u32(n), ...u32(d)]);
      const count = v.type === 2 ? data.length : v.values.length;
      if (data.length <= 4) { put(pos + 2, [...u16(v.type), ...u32(count), ...data, 0, 0, 0, 0].slice(0, 10)); continue; }
      const off = tiff.length;
      tiff.push(...data);
      put(pos + 2, [...u16(v.type), ...u32(count), ...u32(off)]);
    }
    return { at, links };
  };
  const zero = writeIfd(opts.ifd0);
  if (opts.exif) put(zero.links.get('exif')!, u32(writeIfd(opts.exif).at));
  if (opts.gps) put(zero.links.get('gps')!, u32(writeIfd(opts.gps).at));
  const app1 = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
  const len = app1.length + 2;
  return new Uint8Array([
    0xff, 0xd8,
    0xff, 0xe0, 0x00, 0x07, 0x4a, 0x46, 0x49, 0x46, 0x00, // APP0 "JFIF"
    0xff, 0xe1, len >> 8, len & 0xff, ...app1,
    0xff, 0xda, 0x00, 0x02, 0x11, 0x22, 0xff, 0xd9,
  ]);
}

const ascii = (text: string): Value => ({ type: 2, text });
const dms = (d: number, m: number, s100: number): Value => ({ type: 5, values: [[d, 1], [m, 1], [s100, 100]] });

describe('readExif', () => {
  it('reads DateTimeOriginal with its offset and the GPS position (little-endian, as most phones write)', () => {
    const bytes = jpeg({
      littleEndian: true,
      ifd0: ifd([[0x010f, ascii('Phone')], [0x8769, 'exif'], [0x8825, 'gps']]),
      exif: ifd([[0x9003, ascii('2026:11:20 09:15:30')], [0x9011, ascii('+08:00')]]),
      // 34°44'24.00" N, 113°38'24.00" E
      gps: ifd([[1, ascii('N')], [2, dms(34, 44, 2400)], [3, ascii('E')], [4, dms(113, 38, 2400)]]),
    });
    expect(readExif(bytes)).toEqual({ takenAt: '2026-11-20T01:15:30.000Z', lat: 34.74, lng: 113.64 });
  });

  it('reads big-endian files and southern/western positions', () => {
    const bytes = jpeg({
      littleEndian: false,
      ifd0: ifd([[0x8769, 'exif'], [0x8825, 'gps']]),
      exif: ifd([[0x9003, ascii('2025:01:02 23:59:59')], [0x9011, ascii('-05:00')]]),
      gps: ifd([[1, ascii('S')], [2, dms(33, 52, 0)], [3, ascii('W')], [4, dms(70, 30, 0)]]),
    });
    const out = readExif(bytes.buffer as ArrayBuffer);
    expect(out.takenAt).toBe('2025-01-03T04:59:59.000Z');
    expect(out.lat).toBeCloseTo(-33.8666667, 6);
    expect(out.lng).toBeCloseTo(-70.5, 6);
  });

  it('reads a time without an offset as local time, and IFD0 DateTime when there is no original', () => {
    const local = readExif(jpeg({ littleEndian: true, ifd0: ifd([[0x0132, ascii('2026:03:12 08:00:00')]]) }));
    expect(local).toEqual({ takenAt: new Date(2026, 2, 12, 8, 0, 0).toISOString(), lat: null, lng: null });
  });

  it('ignores a 0,0 position (no fix) and returns nulls for files without EXIF, non-JPEGs and garbage', () => {
    const noFix = jpeg({ littleEndian: true, ifd0: ifd([[0x8825, 'gps']]), gps: ifd([[1, ascii('N')], [2, dms(0, 0, 0)], [3, ascii('E')], [4, dms(0, 0, 0)]]) });
    expect(readExif(noFix)).toEqual({ takenAt: null, lat: null, lng: null });
    const none = { takenAt: null, lat: null, lng: null };
    expect(readExif(new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 2, 0xff, 0xd9]))).toEqual(none);
    expect(readExif(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toEqual(none);
    expect(readExif(new TextEncoder().encode('this is not a picture'))).toEqual(none);
    // A truncated APP1 segment must not throw.
    const cut = jpeg({ littleEndian: true, ifd0: ifd([[0x8769, 'exif']]), exif: ifd([[0x9003, ascii('2026:11:20 09:15:30')]]) }).slice(0, 30);
    expect(readExif(cut)).toEqual(none);
  });
});
