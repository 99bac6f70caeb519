import { lazy, Suspense, useState } from 'react';
import { Button, Space, Typography } from 'antd';
import { AimOutlined, CloseOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { MapView } from '../../map/MapCanvas';
import type { Place } from '../../components/cases/PlacePicker';

const PlacePicker = lazy(() => import('../../components/cases/PlacePicker'));
const round7 = (v: number) => Math.round(v * 1e7) / 1e7;

/**
 * The problem's place: a tap on the map, or the phone's position. Browsers give the position only
 * on HTTPS (or localhost); on a plain-HTTP intranet the map is the way, and we say so.
 */
export function PlaceField({ value, onChange, id }: { value?: Place | null; onChange?: (p: Place | null) => void; id?: string }) {
  const { t } = useTranslation();
  const [focus, setFocus] = useState<MapView | null>(null);
  const [locating, setLocating] = useState(false);
  const [geoError, setGeoError] = useState<string | null>(null);

  const locate = () => {
    setGeoError(null);
    if (!window.isSecureContext) return setGeoError(t('cases.new.geoInsecure'));
    if (!('geolocation' in navigator)) return setGeoError(t('cases.new.geoUnsupported'));
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        const p = { lat: round7(pos.coords.latitude), lng: round7(pos.coords.longitude) };
        onChange?.(p);
        setFocus({ ...p, zoom: 17 });
        setLocating(false);
      },
      (err) => {
        setGeoError(err.code === err.PERMISSION_DENIED ? t('cases.new.geoDenied') : err.code === err.TIMEOUT ? t('cases.new.geoTimeout') : t('cases.new.geoUnavailable'));
        setLocating(false);
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };

  return (
    <div id={id} className="cc-place-field">
      <Space wrap size={8} style={{ marginBottom: 8 }}>
        <Button icon={<AimOutlined />} onClick={locate} loading={locating} data-testid="use-location">
          {t('cases.new.useLocation')}
        </Button>
        {value ? (
          <Typography.Text data-testid="place-chosen">
            {t('cases.new.chosen', { lat: value.lat.toFixed(6), lng: value.lng.toFixed(6) })}
            <Button type="link" size="small" icon={<CloseOutlined />} onClick={() => onChange?.(null)} aria-label={t('cases.new.clearPlace')} />
          </Typography.Text>
        ) : (
          <Typography.Text type="secondary">{t('cases.new.pickHint')}</Typography.Text>
        )}
      </Space>
      {geoError && (
        <div>
          <Typography.Text type="warning" role="alert" data-testid="geo-error">
            {geoError}
          </Typography.Text>
        </div>
      )}
      <Suspense fallback={<div className="cc-map cc-map--plain" style={{ height: 300 }} />}>
        <PlacePicker value={value ?? null} onPick={(p) => onChange?.(p)} focus={focus} height={300} />
      </Suspense>
    </div>
  );
}
