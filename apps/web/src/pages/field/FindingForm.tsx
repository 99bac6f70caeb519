import { useEffect, useRef, useState } from 'react';
import { Button, Drawer, Form, Input, InputNumber, Radio, Space, Typography } from 'antd';
import { AimOutlined, CameraOutlined, DeleteOutlined, PictureOutlined } from '@ant-design/icons';
import type { StandardNodeView } from '@cc/domain';
import { compressPhoto, NotAnImageError } from './photo';
import { deletePhoto, newKey, putPhoto, type LocalFinding, type LocalPhoto } from './store';
import { useFieldStrings } from './strings';

type Geo = { state: 'locating' } | { state: 'ok'; lat: number; lng: number; accuracy: number } | { state: 'failed' };

/** Where the phone is, once; fails gracefully (no permission, no fix, no API). */
export function locate(): Promise<Geo> {
  return new Promise((resolve) => {
    if (!('geolocation' in navigator)) return resolve({ state: 'failed' });
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ state: 'ok', lat: Math.round(p.coords.latitude * 1e7) / 1e7, lng: Math.round(p.coords.longitude * 1e7) / 1e7, accuracy: Math.round(p.coords.accuracy) }),
      () => resolve({ state: 'failed' }),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  });
}

export interface Thumb {
  key: string;
  url: string | null;
  size: number | null;
  exif: boolean;
}

/** Object URLs for the photos' blobs, revoked when they go. */
export function useThumbs(photos: LocalPhoto[]): Thumb[] {
  const [thumbs, setThumbs] = useState<Thumb[]>([]);
  useEffect(() => {
    const made = photos.map((p) => ({ key: p.key, url: p.blob ? URL.createObjectURL(p.blob) : null, size: p.blob?.size ?? null, exif: Boolean(p.takenAt || p.lat !== null) }));
    setThumbs(made);
    return () => made.forEach((m) => m.url && URL.revokeObjectURL(m.url));
  }, [photos]);
  return thumbs;
}

interface Props {
  open: boolean;
  item: StandardNodeView;
  criteria: StandardNodeView[];
  owner: string;
  sheetKey: string;
  onCancel: () => void;
  onSave: (f: LocalFinding) => void;
}

interface Values {
  criterionNodeId?: number;
  points?: number | null;
  note?: string;
}

/** One deduction: the problem, the points, a note, photos and where the phone was. */
export function FindingForm({ open, item, criteria, owner, sheetKey, onCancel, onSave }: Props) {
  const s = useFieldStrings();
  const [form] = Form.useForm<Values>();
  const [photos, setPhotos] = useState<LocalPhoto[]>([]);
  const [photoErrors, setPhotoErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [geo, setGeo] = useState<Geo>({ state: 'locating' });
  const camera = useRef<HTMLInputElement>(null);
  const gallery = useRef<HTMLInputElement>(null);
  const saved = useRef(false);
  const thumbs = useThumbs(photos);
  const deduct = item.method === 'deduct';
  const max = item.points ?? 0;
  const criterionId = Form.useWatch('criterionNodeId', form);
  const criterion = criteria.find((c) => c.id === criterionId);
  const needsPhoto = Boolean(criterion?.evidenceRequired || item.evidenceRequired);

  useEffect(() => {
    if (!open) return;
    saved.current = false;
    form.resetFields();
    setPhotos([]);
    setPhotoErrors([]);
    setGeo({ state: 'locating' });
    let live = true;
    void locate().then((g) => live && setGeo(g));
    return () => {
      live = false;
    };
  }, [open, form]);

  const cancel = () => {
    // Photos taken for a deduction that was not saved do not stay on the phone.
    if (!saved.current) photos.forEach((p) => void deletePhoto(p.key));
    onCancel();
  };

  const addFiles = async (files: FileList | null) => {
    if (!files?.length) return;
    setBusy(true);
    const errors: string[] = [];
    const added: LocalPhoto[] = [];
    for (const file of [...files]) {
      if (photos.length + added.length >= 9) {
        errors.push(s.photoTooMany);
        break;
      }
      try {
        const c = await compressPhoto(file);
        const p: LocalPhoto = { key: newKey(), userId: owner, sheetKey, blob: c.blob, takenAt: c.takenAt, lat: c.lat, lng: c.lng, fileId: null, createdAt: new Date().toISOString() };
        await putPhoto(p);
        added.push(p);
      } catch (err) {
        errors.push(err instanceof NotAnImageError ? s.notImage(file.name) : s.photoFailed(file.name));
      }
    }
    setPhotos((cur) => [...cur, ...added]);
    setPhotoErrors(errors);
    setBusy(false);
  };

  const remove = (key: string) => {
    void deletePhoto(key);
    setPhotos((cur) => cur.filter((p) => p.key !== key));
  };

  const finish = (v: Values) => {
    const c = criteria.find((x) => x.id === v.criterionNodeId);
    const points = deduct ? Number(v.points ?? c?.points ?? 0) : item.method === 'pass_fail' ? Math.max(0, max - (item.floor ?? 0)) : 0;
    saved.current = true;
    onSave({
      clientKey: newKey(),
      itemNodeId: item.id,
      criterionNodeId: c?.id ?? null,
      points: Math.round(points * 100) / 100,
      note: (v.note ?? '').trim(),
      lat: geo.state === 'ok' ? geo.lat : null,
      lng: geo.state === 'ok' ? geo.lng : null,
      photoKeys: photos.map((p) => p.key),
    });
  };

  return (
    <Drawer
      open={open}
      placement="bottom"
      size="92%"
      onClose={cancel}
      title={<span className="cc-field__form-title">{item.code} {item.title}</span>}
      className="cc-field__drawer"
      destroyOnHidden
      footer={
        <div className="cc-field__form-footer">
          <Button onClick={cancel}>{s.cancel}</Button>
          <Button type="primary" loading={busy} onClick={() => form.submit()} data-testid="finding-save">
            {s.save}
          </Button>
        </div>
      }
    >
      <Form form={form} layout="vertical" onFinish={finish} requiredMark={false} data-testid="finding-form">
        <Form.Item name="criterionNodeId" label={s.criterion} rules={[{ required: criteria.length > 0, message: s.criterionRule }]}>
          <Radio.Group
            className="cc-field__criteria"
            onChange={(e) => {
              const c = criteria.find((x) => x.id === e.target.value);
              if (c && deduct) form.setFieldValue('points', c.points ?? null);
              if (c && !form.getFieldValue('note')) form.setFieldValue('note', c.title);
            }}
          >
            {criteria.map((c) => (
              <Radio key={c.id} value={c.id} className="cc-field__criterion" data-testid="criterion">
                <span>{c.title}</span>
                {deduct && c.points !== null && <Typography.Text type="danger"> {s.pointsUnit(c.points)}</Typography.Text>}
                {c.evidenceRequired && <Typography.Text type="warning"> · {s.photoRequired}</Typography.Text>}
              </Radio>
            ))}
          </Radio.Group>
        </Form.Item>
        {deduct && (
          <Form.Item
            name="points"
            label={s.points}
            rules={[{ required: true, type: 'number', min: 0.01, max, message: s.pointsRule(max) }]}
          >
            <InputNumber min={0} max={max} step={0.5} inputMode="decimal" className="cc-field__num" data-testid="finding-points" />
          </Form.Item>
        )}
        <Form.Item name="note" label={s.noteLabel} rules={[{ required: true, whitespace: true, message: s.noteRule }]}>
          <Input.TextArea rows={2} maxLength={500} placeholder={s.notePlaceholder} data-testid="finding-note" />
        </Form.Item>
        <Form.Item label={<span>{s.photos}{needsPhoto && <Typography.Text type="warning"> · {s.photoRequired}</Typography.Text>}</span>}>
          <div className="cc-field__photos">
            {thumbs.map((p, i) => (
              <div key={p.key} className="cc-field__thumb" data-testid="finding-photo">
                {p.url && <img src={p.url} alt="" />}
                <span className="cc-field__thumb-info">{p.size !== null ? s.photoInfo(Math.round(p.size / 1024), p.exif) : ''}</span>
                <Button size="small" danger type="text" icon={<DeleteOutlined />} aria-label={s.removePhoto(i + 1)} onClick={() => remove(p.key)} className="cc-field__thumb-del" />
              </div>
            ))}
          </div>
          <Space wrap>
            <Button icon={<CameraOutlined />} onClick={() => camera.current?.click()} loading={busy}>
              {busy ? s.compressing : s.takePhoto}
            </Button>
            <Button icon={<PictureOutlined />} onClick={() => gallery.current?.click()} disabled={busy}>
              {s.pickPhoto}
            </Button>
          </Space>
          <input ref={camera} type="file" accept="image/*" capture="environment" style={{ display: 'none' }} data-testid="finding-camera"
            onChange={(e) => { void addFiles(e.target.files); e.target.value = ''; }} />
          <input ref={gallery} type="file" accept="image/*" multiple style={{ display: 'none' }} data-testid="finding-gallery"
            onChange={(e) => { void addFiles(e.target.files); e.target.value = ''; }} />
          {photoErrors.map((m) => (
            <div key={m} className="cc-field__error" data-testid="finding-photo-error">{m}</div>
          ))}
        </Form.Item>
        <Form.Item label={s.position}>
          <Space wrap size={4}>
            <Typography.Text type={geo.state === 'failed' ? 'warning' : 'secondary'} data-testid="finding-geo" data-state={geo.state}>
              {geo.state === 'locating' ? s.locating : geo.state === 'ok' ? s.located(geo.accuracy) : s.locateFailed}
            </Typography.Text>
            {geo.state === 'failed' && (
              <Button size="small" type="link" icon={<AimOutlined />} onClick={() => { setGeo({ state: 'locating' }); void locate().then(setGeo); }}>
                {s.locateAgain}
              </Button>
            )}
          </Space>
        </Form.Item>
      </Form>
    </Drawer>
  );
}
