import { lazy, Suspense, useMemo, useState } from 'react';
import { App, Button, Card, Empty, Form, Modal, Popconfirm, Space, Typography } from 'antd';
import { DeleteOutlined, EnvironmentOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { RegionView } from '@cc/domain';
import { useRegionGeo, useRegionGeometryMutation } from '../api/map';
import { useAuth } from '../app/auth';
import { useLanguage } from '../i18n';
import { isApiError } from '../lib/errors';
import { regionLevelLabel } from '../lib/labels';
import { useReportError } from '../lib/useReportError';
import type { Shape } from '../map/layers';
import { CHILD_STYLE, FOCUS_STYLE } from '../map/styles';
import { GeometryField, type GeometryValue } from './GeometryField';

const GeoPreview = lazy(() => import('../map/GeoPreview'));

interface Values {
  geometry?: GeometryValue | null;
}

/** The selected region's boundary and its children on a map; 设置边界 for map writers. */
export function RegionMapCard({ region, onChanged }: { region: RegionView; onChanged?: () => void }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const { can } = useAuth();
  const { message } = App.useApp();
  const report = useReportError();
  const geo = useRegionGeo();
  const save = useRegionGeometryMutation();
  const [editing, setEditing] = useState(false);
  const [form] = Form.useForm<Values>();

  const features = useMemo(() => geo.data?.features ?? [], [geo.data]);
  const own = features.find((f) => f.id === region.id);
  const parent = region.parentId !== null ? features.find((f) => f.id === region.parentId) : undefined;
  const shapes = useMemo<Shape[]>(() => {
    const children = features
      .filter((f) => f.properties.parentId === region.id)
      .map((f) => ({ key: f.id, geometry: f.geometry, style: CHILD_STYLE, tooltip: f.properties.name }));
    return [...children, ...(own ? [{ key: own.id, geometry: own.geometry, style: { ...FOCUS_STYLE, fillOpacity: 0.04 }, tooltip: region.name }] : [])];
  }, [features, own, region.id, region.name]);
  const context = useMemo<Shape[]>(
    () => (parent ? [{ key: parent.id, geometry: parent.geometry, tooltip: parent.properties.name }] : []),
    [parent],
  );
  const childCount = shapes.length - (own ? 1 : 0);
  const canWrite = can('map.write');

  const open = () => {
    form.resetFields();
    form.setFieldsValue({ geometry: (own?.geometry as GeometryValue | undefined) ?? null });
    setEditing(true);
  };

  const put = async (geometry: GeometryValue | null) => {
    try {
      await save.mutateAsync({ id: region.id, body: { geometry: geometry as never, version: region.version } });
      void message.success(geometry ? t('regions.boundarySaved') : t('regions.boundaryCleared'));
      setEditing(false);
      onChanged?.();
    } catch (err) {
      if (isApiError(err, 'CONFLICT')) {
        void message.warning(t('errors.conflict'));
        setEditing(false);
        onChanged?.();
        return;
      }
      report(err, editing ? form : undefined, editing ? { fields: ['geometry'] } : undefined);
    }
  };

  const onOk = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v?.geometry) return;
    await put(v.geometry);
  };

  return (
    <Card
      size="small"
      title={t('regions.boundary')}
      style={{ marginTop: 16 }}
      data-testid="region-map"
      extra={
        canWrite && (
          <Space size={4}>
            <Button size="small" icon={<EnvironmentOutlined />} onClick={open} data-testid="region-set-boundary">
              {t('regions.setBoundary')}
            </Button>
            {region.hasGeometry && (
              <Popconfirm title={t('regions.clearBoundaryConfirm', { name: region.name })} okButtonProps={{ danger: true }} onConfirm={() => put(null)}>
                <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('regions.clearBoundary')} title={t('regions.clearBoundary')} />
              </Popconfirm>
            )}
          </Space>
        )
      }
    >
      {!region.hasGeometry && (
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }} data-testid="region-no-boundary">
          {t('regions.noBoundary', { level: regionLevelLabel(region.level, lang) })}
          {childCount > 0 && t('regions.childrenDrawn', { count: childCount })}
        </Typography.Paragraph>
      )}
      {shapes.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('regions.nothingToDraw')} />
      ) : (
        <Suspense fallback={<div className="cc-map cc-map--plain" style={{ height: 300 }} />}>
          <GeoPreview label={t('regions.boundaryOf', { name: region.name })} shapes={shapes} fitKey={`${region.id}:${shapes.length}:${region.version}`} height={300} />
        </Suspense>
      )}

      <Modal
        open={editing}
        title={t('regions.setBoundaryOf', { name: region.name })}
        okText={t('common.save')}
        onOk={onOk}
        confirmLoading={save.isPending}
        onCancel={() => setEditing(false)}
        width={640}
        forceRender
      >
        <Form<Values> form={form} layout="vertical" data-testid="boundary-form">
          {parent && (
            <Typography.Paragraph type="secondary">{t('regions.mustBeInside', { name: parent.properties.name })}</Typography.Paragraph>
          )}
          <Form.Item name="geometry" label={t('regions.boundaryGeoJson')} rules={[{ required: true, message: t('geometry.required') }]}>
            <GeometryField kind="area" context={context} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
