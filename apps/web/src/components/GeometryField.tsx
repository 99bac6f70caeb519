import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Button, Input, Space, Typography } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ERROR_MESSAGES, type GeometryProblem } from '@cc/domain';
import { useLanguage } from '../i18n';
import { parseGeometry, pretty, type GeometryKind, type ParseProblem } from '../map/geojson';
import { CHILD_STYLE, FOCUS_STYLE, SEGMENT_FOCUS_STYLE } from '../map/styles';
import type { Shape } from '../map/layers';

const GeoPreview = lazy(() => import('../map/GeoPreview'));

export interface GeometryValue {
  type: string;
  coordinates: unknown;
}

interface Props {
  kind: GeometryKind;
  /** The parsed geometry (undefined while the text is empty or invalid). */
  value?: GeometryValue | null;
  onChange?: (value: GeometryValue | null) => void;
  /** Shapes drawn for context under the new geometry (e.g. the parent's boundary). */
  context?: readonly Shape[];
  id?: string;
  'data-testid'?: string;
}

const MAX_FILE = 5 * 1024 * 1024;

/**
 * GeoJSON for a boundary (Polygon/MultiPolygon) or a road (LineString): paste it or read it from a
 * .geojson/.json file. It is checked as typed, with the server's own rules, and previewed on a map.
 */
export function GeometryField({ kind, value, onChange, context = [], id, ...rest }: Props) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [text, setText] = useState(() => (value ? pretty(value) : ''));
  const [problem, setProblem] = useState<ParseProblem | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const lastEmitted = useRef<GeometryValue | null | undefined>(value);

  // A new value from outside (form reset, record loaded): show it.
  useEffect(() => {
    if (value !== lastEmitted.current) {
      setText(value ? pretty(value) : '');
      setProblem(null);
      lastEmitted.current = value;
    }
  }, [value]);

  const apply = (next: string) => {
    setText(next);
    const r = parseGeometry(next, kind);
    const g = r.ok ? r.geometry : null;
    setProblem(r.ok || r.problem.code === 'EMPTY' ? null : r.problem);
    lastEmitted.current = g;
    onChange?.(g);
  };

  const onFile = (file: File | undefined) => {
    if (!file) return;
    if (file.size > MAX_FILE) {
      setProblem({ code: 'BAD_JSON' });
      return;
    }
    void file.text().then(apply);
  };

  const describe = (p: ParseProblem): string => {
    switch (p.code) {
      case 'GEOMETRY':
        return ERROR_MESSAGES[`GEOMETRY_${p.problem}` as `GEOMETRY_${GeometryProblem}`][lang];
      case 'WRONG_TYPE':
        return t(`geometry.wrongType.${kind}`, { found: p.found });
      case 'MANY_FEATURES':
        return t('geometry.manyFeatures', { count: p.count });
      case 'NO_GEOMETRY':
        return t('geometry.noGeometry');
      default:
        return t('geometry.badJson');
    }
  };

  const shapes = useMemo<Shape[]>(
    () => [
      ...context.map((s) => ({ ...s, style: s.style ?? CHILD_STYLE })),
      ...(value ? [{ key: '__new', geometry: value, style: kind === 'line' ? SEGMENT_FOCUS_STYLE : FOCUS_STYLE }] : []),
    ],
    [context, value, kind],
  );

  return (
    <div className="cc-geometry-field" data-testid={rest['data-testid']}>
      <Space wrap style={{ marginBottom: 8 }}>
        <Button icon={<UploadOutlined />} onClick={() => fileRef.current?.click()}>
          {t('geometry.readFile')}
        </Button>
        <Typography.Text type="secondary">{t(`geometry.hint.${kind}`)}</Typography.Text>
      </Space>
      <input
        ref={fileRef}
        type="file"
        accept=".geojson,.json,application/geo+json,application/json"
        style={{ display: 'none' }}
        data-testid="geometry-file"
        onChange={(e) => {
          onFile(e.target.files?.[0]);
          e.target.value = '';
        }}
      />
      <Input.TextArea
        id={id}
        value={text}
        onChange={(e) => apply(e.target.value)}
        autoSize={{ minRows: 4, maxRows: 10 }}
        spellCheck={false}
        placeholder={t(`geometry.placeholder.${kind}`)}
        className="cc-geometry-field__text"
        aria-invalid={problem ? true : undefined}
        data-testid="geometry-text"
      />
      {problem && <Alert type="error" showIcon title={describe(problem)} style={{ marginTop: 8 }} data-testid="geometry-problem" />}
      {shapes.length > 0 && (
        <div style={{ marginTop: 8 }}>
          <Suspense fallback={<div className="cc-map cc-map--plain" style={{ height: 220 }} />}>
            <GeoPreview label={t('geometry.preview')} shapes={shapes} fitKey={value ? JSON.stringify(value) : `ctx:${context.length}`} height={220} />
          </Suspense>
        </div>
      )}
    </div>
  );
}
