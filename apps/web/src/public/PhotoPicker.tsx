import { useRef } from 'react';
import { Button, Spin } from 'antd';
import { CameraOutlined, CloseOutlined, PictureOutlined, WarningFilled } from '@ant-design/icons';
import type { PublicStrings } from './strings';

export const MAX_PHOTOS = 3;

export interface PhotoItem {
  key: number;
  /** Object URL of the picked file, for the thumbnail. */
  preview: string;
  status: 'uploading' | 'done' | 'error';
  token?: string;
  error?: string;
}

/**
 * Phone photos are often 3–8 MB; a resident on mobile data should not wait for that. Images above
 * ~1.5 MB are redrawn at most 2000 px wide as JPEG (which also drops the EXIF position and camera
 * data). Anything the browser cannot decode goes up as it is, and the server says what is wrong.
 */
export async function shrinkPhoto(file: File): Promise<{ blob: Blob; name: string }> {
  const original = { blob: file as Blob, name: file.name || 'photo.jpg' };
  if (file.size <= 1_500_000 || !file.type.startsWith('image/') || typeof createImageBitmap !== 'function') return original;
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, 2000 / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
    if (!blob || blob.size >= file.size) return original;
    return { blob, name: original.name.replace(/\.[^.]*$/, '') + '.jpg' };
  } catch {
    return original;
  }
}

/**
 * 1–3 photos: take one with the camera or pick from the gallery; each goes up at once (the parent
 * uploads), shows as a thumbnail with its state, and can be removed.
 */
export function PhotoPicker({
  items,
  onAdd,
  onRemove,
  s,
  invalid,
}: {
  items: readonly PhotoItem[];
  onAdd: (files: File[]) => void;
  onRemove: (key: number) => void;
  s: PublicStrings;
  invalid: boolean;
}) {
  const cameraRef = useRef<HTMLInputElement>(null);
  const galleryRef = useRef<HTMLInputElement>(null);
  const room = MAX_PHOTOS - items.length;
  const take = (input: HTMLInputElement | null) => {
    if (!input) return;
    const files = Array.from(input.files ?? []).slice(0, Math.max(0, room));
    input.value = '';
    if (files.length) onAdd(files);
  };
  const errors = items.filter((p) => p.status === 'error' && p.error);

  return (
    <div id="report-photos" aria-invalid={invalid || undefined}>
      <div className="cc-photos" data-testid="report-photos">
        {items.map((p, i) => (
          <div key={p.key} className={`cc-photos__item cc-photos__item--${p.status}`} data-testid="report-photo" data-status={p.status}>
            {/* A file the browser cannot show (not an image) leaves the tile to its error veil. */}
            <img src={p.preview} alt={`${s.photos} ${i + 1}`} onError={(e) => (e.currentTarget.style.visibility = 'hidden')} />
            {p.status === 'uploading' && (
              <div className="cc-photos__veil" role="status">
                <Spin size="small" />
                {s.uploading}
              </div>
            )}
            {p.status === 'error' && (
              <div className="cc-photos__veil">
                <WarningFilled />
                {s.uploadFailed}
              </div>
            )}
            <Button
              className="cc-photos__remove"
              shape="circle"
              size="small"
              icon={<CloseOutlined />}
              aria-label={`${s.removePhoto} (${i + 1})`}
              title={s.removePhoto}
              onClick={() => onRemove(p.key)}
            />
          </div>
        ))}
        {room > 0 && (
          <>
            <button type="button" className="cc-photos__add" onClick={() => cameraRef.current?.click()} data-testid="report-take-photo">
              <CameraOutlined />
              {s.takePhoto}
            </button>
            <button type="button" className="cc-photos__add" onClick={() => galleryRef.current?.click()} data-testid="report-pick-photo">
              <PictureOutlined />
              {s.pickPhoto}
            </button>
          </>
        )}
      </div>
      {/* The camera opens directly on phones; on a desktop both open the file chooser. */}
      <input ref={cameraRef} type="file" accept="image/*" capture="environment" className="cc-visually-hidden" tabIndex={-1} aria-hidden="true" onChange={(e) => take(e.currentTarget)} data-testid="report-camera-input" />
      <input ref={galleryRef} type="file" accept="image/*" multiple className="cc-visually-hidden" tabIndex={-1} aria-hidden="true" onChange={(e) => take(e.currentTarget)} data-testid="report-file-input" />
      {errors.length > 0 && (
        <ul className="cc-photos__errors" role="alert" data-testid="report-photo-errors">
          {errors.map((p) => (
            <li key={p.key}>
              {s.photos} {items.indexOf(p) + 1}{s.colon}{p.error}
            </li>
          ))}
          <li>{s.photoRetryHint}</li>
        </ul>
      )}
    </div>
  );
}
