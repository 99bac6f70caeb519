import { readExif, type PhotoExif } from './exif';

/** The largest photo kept on the phone and uploaded. */
export const MAX_PHOTO_BYTES = 300 * 1024;
const MAX_SIDE = 1600;

export class NotAnImageError extends Error {
  constructor() {
    super('not an image');
    this.name = 'NotAnImageError';
  }
}

export interface CompressedPhoto extends PhotoExif {
  blob: Blob;
  width: number;
  height: number;
}

/** What the first bytes say the file is (the name and the browser's type can lie). */
function sniff(b: Uint8Array): 'jpeg' | 'png' | 'webp' | 'gif' | 'heic' | null {
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return 'webp';
  if (b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return 'gif';
  const box = String.fromCharCode(...b.slice(4, 12));
  if (box.startsWith('ftyp') && /heic|heix|mif1|hevc/.test(box)) return 'heic';
  return null;
}

async function decode(file: Blob): Promise<{ source: CanvasImageSource; width: number; height: number; close: () => void }> {
  if (typeof createImageBitmap === 'function') {
    try {
      const bmp = await createImageBitmap(file, { imageOrientation: 'from-image' });
      return { source: bmp, width: bmp.width, height: bmp.height, close: () => bmp.close() };
    } catch {
      /* fall back to <img> (older Safari) */
    }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.decoding = 'async';
    img.src = url;
    await img.decode();
    return { source: img, width: img.naturalWidth, height: img.naturalHeight, close: () => URL.revokeObjectURL(url) };
  } catch {
    URL.revokeObjectURL(url);
    throw new NotAnImageError();
  }
}

const toJpeg = (canvas: HTMLCanvasElement, quality: number) =>
  new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));

/**
 * A phone photo made fit to queue and upload: re-encoded as JPEG, longest side ≤ 1600 px,
 * quality stepped down (then the size) until it is ≤ 300 KB. The EXIF time and position of the
 * original are read first (re-encoding drops them) and travel with the photo as fields.
 * Anything the browser cannot decode as a picture is refused with NotAnImageError.
 */
export async function compressPhoto(file: Blob): Promise<CompressedPhoto> {
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  const kind = sniff(head);
  if (!kind && !file.type.startsWith('image/')) throw new NotAnImageError();
  const exif = kind === 'jpeg' ? readExif(await file.slice(0, 256 * 1024).arrayBuffer()) : { takenAt: null, lat: null, lng: null };
  const img = await decode(file);
  try {
    if (!img.width || !img.height) throw new NotAnImageError();
    let scale = Math.min(1, MAX_SIDE / Math.max(img.width, img.height));
    for (let round = 0; round < 6; round++) {
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(img.width * scale));
      canvas.height = Math.max(1, Math.round(img.height * scale));
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new NotAnImageError();
      ctx.fillStyle = '#fff'; // transparent PNG areas become white, not black
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img.source, 0, 0, canvas.width, canvas.height);
      for (const q of [0.85, 0.75, 0.65, 0.55, 0.45]) {
        const blob = await toJpeg(canvas, q);
        if (!blob) throw new NotAnImageError();
        if (blob.size <= MAX_PHOTO_BYTES) return { blob, width: canvas.width, height: canvas.height, ...exif };
      }
      scale *= 0.75;
    }
    throw new NotAnImageError();
  } finally {
    img.close();
  }
}
