import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Button, Form, Input, Result, Select, Skeleton } from 'antd';
import { AimOutlined, EnvironmentFilled } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { PublicCity, PublicReportBody } from '@cc/domain';
import { ApiError } from '../api/client';
import { useLanguage } from '../i18n';
import { applyFieldErrors, errorMessage } from '../lib/errors';
import { rememberNumber, submitPublicReport, uploadPublicPhoto, usePublicCity } from './api';
import { PhotoPicker, shrinkPhoto, type PhotoItem } from './PhotoPicker';
import { PublicShell, useCityParam } from './PublicShell';
import { ReportDone } from './ReportDone';
import { usePublicStrings, type PublicStrings } from './strings';

const PublicMap = lazy(() => import('./PublicMap'));

const PHONE = /^1[3-9][0-9]{9}$/;
const round7 = (v: number) => Math.round(v * 1e7) / 1e7;

interface FormValues {
  categoryCode?: string;
  description?: string;
  address?: string;
  phone?: string;
}
type Place = { lng: number; lat: number };

/** 随手拍: a resident reports a problem from a phone — photos, place, kind, a few words. */
export default function ReportPage() {
  const s = usePublicStrings();
  const cityParam = useCityParam();
  const city = usePublicCity(cityParam);
  const [done, setDone] = useState<string | null>(null);
  const [round, setRound] = useState(0);
  const lang = useLanguage();
  const { t } = useTranslation();

  let body;
  if (city.isPending) body = <Skeleton active paragraph={{ rows: 8 }} />;
  else if (city.isError)
    body = (
      <Result
        status="warning"
        title={s.cityFailed}
        subTitle={errorMessage(city.error, t, lang)}
        extra={
          <Button type="primary" onClick={() => void city.refetch()}>
            {s.retry}
          </Button>
        }
      />
    );
  else if (done)
    body = (
      <ReportDone
        number={done}
        onAnother={() => {
          setDone(null);
          setRound((r) => r + 1);
        }}
      />
    );
  else body = <ReportForm key={round} city={city.data} onDone={setDone} s={s} />;

  return (
    <PublicShell cityName={city.data?.name} title={s.report}>
      {body}
    </PublicShell>
  );
}

function ReportForm({ city, onDone, s }: { city: PublicCity; onDone: (number: string) => void; s: PublicStrings }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [form] = Form.useForm<FormValues>();
  const [photos, setPhotos] = useState<PhotoItem[]>([]);
  const [place, setPlace] = useState<Place | null>(null);
  const [locating, setLocating] = useState(false);
  const [photoError, setPhotoError] = useState<string | null>(null);
  const [placeError, setPlaceError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const trapRef = useRef<HTMLInputElement>(null);
  const nextKey = useRef(1);
  const previews = useRef(new Set<string>());

  // Thumbnails are object URLs: give them back when the form goes away.
  useEffect(() => {
    const urls = previews.current;
    return () => urls.forEach((u) => URL.revokeObjectURL(u));
  }, []);

  const categoryOptions = useMemo(() => {
    const groups = new Map<string, { label: string; title: string; options: { value: string; label: string }[] }>();
    for (const c of city.categories) {
      const g = groups.get(c.majorName) ?? { label: c.majorName, title: c.majorName, options: [] };
      g.options.push({ value: c.code, label: c.name });
      groups.set(c.majorName, g);
    }
    return [...groups.values()];
  }, [city.categories]);

  const addPhotos = (files: File[]) => {
    setPhotoError(null);
    setFormError(null);
    for (const file of files) {
      const key = nextKey.current++;
      const preview = URL.createObjectURL(file);
      previews.current.add(preview);
      setPhotos((list) => [...list, { key, preview, status: 'uploading' }]);
      void shrinkPhoto(file)
        .then(({ blob, name }) => uploadPublicPhoto(blob, name, city.code))
        .then(
          ({ token }) => setPhotos((list) => list.map((p) => (p.key === key ? { ...p, status: 'done', token } : p))),
          (err: unknown) => setPhotos((list) => list.map((p) => (p.key === key ? { ...p, status: 'error', error: errorMessage(err, t, lang) } : p))),
        );
    }
  };
  const removePhoto = (key: number) => {
    setPhotos((list) => {
      const p = list.find((x) => x.key === key);
      if (p) {
        URL.revokeObjectURL(p.preview);
        previews.current.delete(p.preview);
      }
      return list.filter((x) => x.key !== key);
    });
    setPhotoError(null);
  };

  const pick = (p: Place) => {
    setPlace({ lng: round7(p.lng), lat: round7(p.lat) });
    setPlaceError(null);
    setFormError(null);
  };
  const locate = () => {
    if (!('geolocation' in navigator)) {
      setPlaceError(s.geoUnsupported);
      return;
    }
    setLocating(true);
    setPlaceError(null);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating(false);
        pick({ lng: pos.coords.longitude, lat: pos.coords.latitude });
      },
      (err) => {
        setLocating(false);
        // Browsers refuse the position on plain-HTTP pages (other than localhost) as if the user had.
        if (err.code === err.PERMISSION_DENIED) setPlaceError(window.isSecureContext ? s.geoDenied : s.geoInsecure);
        else setPlaceError(s.geoUnavailable);
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };

  const checkPhotos = (): string | null => {
    if (photos.some((p) => p.status === 'uploading')) return s.photoWait;
    if (photos.some((p) => p.status === 'error')) return s.photoRetryHint;
    if (!photos.some((p) => p.status === 'done')) return s.photoRequired;
    return null;
  };

  const showFirstProblem = (photoProblem: boolean, placeProblem: boolean) => {
    const id = photoProblem ? 'report-photos' : placeProblem ? 'report-place' : null;
    if (id) document.getElementById(id)?.scrollIntoView({ block: 'center', behavior: 'smooth' });
    else {
      const first = form.getFieldsError().find((f) => f.errors.length > 0);
      if (first) form.scrollToField(first.name, { block: 'center' });
    }
  };

  const submit = async () => {
    setFormError(null);
    const values = await form.validateFields().catch(() => null);
    const pErr = checkPhotos();
    const lErr = place ? null : s.placeRequired;
    setPhotoError(pErr);
    setPlaceError(lErr);
    if (!values || pErr || lErr || !place) {
      setFormError(s.fixAbove);
      showFirstProblem(Boolean(pErr), Boolean(lErr));
      return;
    }
    const body: PublicReportBody = {
      city: city.code,
      categoryCode: values.categoryCode!,
      description: values.description!.trim(),
      lat: place.lat,
      lng: place.lng,
      photos: photos.filter((p) => p.status === 'done' && p.token).map((p) => p.token!),
    };
    const address = values.address?.trim();
    if (address) body.address = address;
    const phone = values.phone?.trim();
    if (phone) body.phone = phone;
    const trap = trapRef.current?.value;
    if (trap) body.website = trap;

    setSubmitting(true);
    try {
      const { number } = await submitPublicReport(body);
      rememberNumber(number);
      window.scrollTo({ top: 0 });
      onDone(number);
    } catch (err) {
      handleSubmitError(err);
    } finally {
      setSubmitting(false);
    }
  };

  const handleSubmitError = (err: unknown) => {
    const text = errorMessage(err, t, lang);
    if (!(err instanceof ApiError)) {
      setFormError(text);
      return;
    }
    if (err.code === 'CASE_OUTSIDE_CITY') {
      setPlaceError(text);
      setFormError(s.fixAbove);
      showFirstProblem(false, true);
      return;
    }
    if (err.code === 'PUBLIC_UPLOAD_INVALID') {
      // The tokens expired or were used: every photo must go up again.
      setPhotos((list) => list.map((p) => ({ ...p, status: 'error', token: undefined, error: text })));
      setPhotoError(text);
      setFormError(s.fixAbove);
      showFirstProblem(true, false);
      return;
    }
    // Field problems: photos and the place are ours, the rest land on the form fields.
    const own = err.fieldProblems.filter((p) => /^(photos|lat|lng)\b/.test(p.field));
    const photoP = own.find((p) => p.field.startsWith('photos'));
    const placeP = own.find((p) => p.field === 'lat' || p.field === 'lng');
    if (photoP) setPhotoError(photoP.message || text);
    if (placeP) setPlaceError(placeP.message || text);
    const { placed, unplaced } = applyFieldErrors(form, err, { fields: ['categoryCode', 'description', 'address', 'phone'] });
    const rest = unplaced.filter((u) => !/^(photos|lat|lng|website)\b/.test(u));
    if (placed || photoP || placeP) setFormError(rest.length ? rest.join('；') : s.fixAbove);
    else setFormError(text);
    if (photoP || placeP) showFirstProblem(Boolean(photoP), Boolean(placeP));
  };

  const uploading = photos.some((p) => p.status === 'uploading');

  return (
    <>
      <p className="cc-public__intro">{s.intro}</p>
      <Form<FormValues> form={form} layout="vertical" requiredMark={false} data-testid="report-form" onValuesChange={() => setFormError(null)}>
        <section className="cc-public__section">
          <Form.Item
            label={
              <span>
                {s.photos}
                <span className="cc-public__hint">{s.photosHint}</span>
              </span>
            }
            validateStatus={photoError ? 'error' : undefined}
            help={photoError ?? undefined}
          >
            <PhotoPicker items={photos} onAdd={addPhotos} onRemove={removePhoto} s={s} invalid={Boolean(photoError)} />
          </Form.Item>
        </section>

        <section className="cc-public__section" id="report-place">
          <Form.Item label={s.place} validateStatus={placeError ? 'error' : undefined} help={placeError ?? undefined}>
            <div className="cc-place__bar">
              <Button icon={<AimOutlined />} onClick={locate} loading={locating} data-testid="report-locate" size="large">
                {locating ? s.locating : s.useMyLocation}
              </Button>
              {place && (
                <span className="cc-place__status" data-testid="report-place-set">
                  <EnvironmentFilled /> {s.placeSet}
                </span>
              )}
            </div>
            <Suspense fallback={<div className="cc-map cc-place__map cc-map--plain" aria-busy="true" />}>
              <PublicMap
                label={s.mapLabel}
                center={city.mapCenter}
                tileUrl={city.tileUrl}
                tileCrs={city.tileCrs}
                value={place}
                onPick={pick}
                noBasemapNote={s.noBasemap}
              />
            </Suspense>
            <div className="cc-place__note">{s.mapHint}</div>
          </Form.Item>
          <Form.Item name="address" label={s.address} rules={[{ max: 200 }]}>
            <Input placeholder={s.addressPlaceholder} maxLength={200} autoComplete="off" />
          </Form.Item>
        </section>

        <section className="cc-public__section">
          <Form.Item name="categoryCode" label={s.category} rules={[{ required: true, message: s.categoryRequired }]}>
            <Select
              placeholder={s.categoryPlaceholder}
              options={categoryOptions}
              size="large"
              listHeight={320}
              data-testid="report-category"
              aria-label={s.category}
            />
          </Form.Item>
          <Form.Item
            name="description"
            label={s.description}
            rules={[
              { required: true, whitespace: true, message: s.descriptionRequired },
              { validator: (_, v: string | undefined) => (!v || v.trim().length >= 5 ? Promise.resolve() : Promise.reject(new Error(s.descriptionRequired))) },
            ]}
          >
            <Input.TextArea placeholder={s.descriptionPlaceholder} maxLength={500} showCount autoSize={{ minRows: 3, maxRows: 8 }} data-testid="report-description" />
          </Form.Item>
          <Form.Item
            name="phone"
            label={s.phone}
            extra={s.phoneHint}
            rules={[{ validator: (_, v: string | undefined) => (!v?.trim() || PHONE.test(v.trim()) ? Promise.resolve() : Promise.reject(new Error(s.phoneInvalid))) }]}
          >
            <Input type="tel" inputMode="numeric" autoComplete="tel" maxLength={11} placeholder={s.phonePlaceholder} data-testid="report-phone" />
          </Form.Item>
          {/* Honeypot: people never see or fill it; form robots do, and the server drops their reports. */}
          <div className="cc-public__trap" aria-hidden="true">
            <label>
              {s.honeypot}
              <input ref={trapRef} type="text" name="website" tabIndex={-1} autoComplete="off" defaultValue="" />
            </label>
          </div>
        </section>

        {formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 12 }} role="alert" data-testid="report-error" />}
        <Button type="primary" block onClick={() => void submit()} className="cc-public__submit" loading={submitting} disabled={uploading && !submitting} data-testid="report-submit">
          {submitting ? s.submitting : uploading ? s.uploading : s.submit}
        </Button>
        <div className="cc-public__privacy">{s.privacy}</div>
      </Form>
    </>
  );
}
