import { lazy, Suspense, useMemo, useState } from 'react';
import { App, Button, Card, Col, Drawer, Form, Grid, Input, Popconfirm, Row, Space, Table, Tabs, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { CODE_PATTERN, type RoadSegmentView, type ZoneView } from '@cc/domain';
import { useSegmentMutations, useSegments, useZoneMutations, useZones } from '../api/map';
import { useRegions } from '../api/org';
import { useAuth } from '../app/auth';
import { GeometryField, type GeometryValue } from '../components/GeometryField';
import { ImportExportButtons } from '../components/ImportExportButtons';
import { PageHeader } from '../components/PageHeader';
import { QueryError } from '../components/QueryError';
import { RegionTreeSelect } from '../components/RegionTreeSelect';
import { isApiError } from '../lib/errors';
import { useReportError } from '../lib/useReportError';
import type { Shape } from '../map/layers';
import { SEGMENT_FOCUS_STYLE, SEGMENT_STYLE, ZONE_FOCUS_STYLE, ZONE_STYLE } from '../map/styles';
import { positiveInt, useQueryParams } from '../lib/useQueryParams';

const GeoPreview = lazy(() => import('../map/GeoPreview'));

type Tab = 'segments' | 'zones';
type Item = RoadSegmentView | ZoneView;

interface Values {
  code: string;
  name: string;
  fromDesc?: string;
  toDesc?: string;
  regionId?: number | null;
  geometry?: GeometryValue | null;
}
const FIELDS = ['code', 'name', 'fromDesc', 'toDesc', 'regionId', 'geometry'] as const;
const text = (v: string | undefined) => (v && v.trim() ? v.trim() : null);

/** 路段与责任区: the road segments (包路段) and responsibility zones (责任区) with their geometry. */
export default function SegmentsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const report = useReportError();
  const screens = Grid.useBreakpoint();
  const { params, setQuery: setParam } = useQueryParams();
  const tab: Tab = params.get('tab') === 'zones' ? 'zones' : 'segments';
  const q = params.get('q') ?? '';
  const selectedId = positiveInt(params.get('id')) ?? null;

  const segments = useSegments({ q: tab === 'segments' && q ? q : undefined });
  const zones = useZones();
  const regions = useRegions(can('region.read'));
  const segMut = useSegmentMutations();
  const zoneMut = useZoneMutations();
  const [editing, setEditing] = useState<Item | 'new' | null>(null);
  const [search, setSearch] = useState(q);
  const [form] = Form.useForm<Values>();

  const list = tab === 'segments' ? segments : zones;
  const rows: Item[] = useMemo(() => {
    const items: Item[] = tab === 'segments' ? (segments.data?.items ?? []) : (zones.data?.items ?? []);
    if (tab === 'zones' && q) {
      const needle = q.toLowerCase();
      return items.filter((z) => z.name.toLowerCase().includes(needle) || z.code.toLowerCase().includes(needle));
    }
    return items;
  }, [tab, q, segments.data, zones.data]);
  const regionName = (id: number | null) => (id ? (regions.data?.items.find((r) => r.id === id)?.name ?? `#${id}`) : t('common.none'));
  const canCreate = list.data?.actions.includes('create') ?? false;

  const shapes = useMemo<Shape[]>(
    () =>
      rows.map((r) => {
        const focus = r.id === selectedId;
        const style = tab === 'segments' ? (focus ? SEGMENT_FOCUS_STYLE : SEGMENT_STYLE) : focus ? ZONE_FOCUS_STYLE : ZONE_STYLE;
        return {
          key: r.id,
          geometry: r.geometry as Shape['geometry'],
          style,
          tooltip: r.name,
          onClick: () => setParam({ id: String(r.id) }),
        };
      }),
    [rows, selectedId, tab],
  );
  const focused = shapes.filter((s) => s.key === selectedId);

  const openCreate = () => {
    form.resetFields();
    setEditing('new');
  };
  const openEdit = (r: Item) => {
    form.resetFields();
    form.setFieldsValue({
      code: r.code,
      name: r.name,
      fromDesc: 'fromDesc' in r ? (r.fromDesc ?? '') : undefined,
      toDesc: 'toDesc' in r ? (r.toDesc ?? '') : undefined,
      regionId: r.regionId,
      geometry: r.geometry as GeometryValue,
    });
    setEditing(r);
  };

  const onSubmit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v || !editing || !v.geometry) return;
    const common = { code: v.code.trim(), name: v.name.trim(), regionId: v.regionId ?? null, geometry: v.geometry as never };
    try {
      if (tab === 'segments') {
        const body = { ...common, fromDesc: text(v.fromDesc), toDesc: text(v.toDesc) };
        if (editing === 'new') {
          const created = await segMut.create.mutateAsync(body);
          setParam({ id: String(created.id) });
        } else await segMut.update.mutateAsync({ id: editing.id, body: { ...body, version: editing.version } });
      } else if (editing === 'new') {
        const created = await zoneMut.create.mutateAsync(common);
        setParam({ id: String(created.id) });
      } else await zoneMut.update.mutateAsync({ id: editing.id, body: { ...common, version: editing.version } });
      void message.success(editing === 'new' ? t('common.created') : t('common.saved'));
      setEditing(null);
    } catch (err) {
      if (isApiError(err, 'CONFLICT')) {
        void message.warning(t('errors.conflict'));
        setEditing(null);
        void list.refetch();
        return;
      }
      report(err, form, { fields: FIELDS });
    }
  };

  const onDelete = async (r: Item) => {
    try {
      if (tab === 'segments') await segMut.remove.mutateAsync(r.id);
      else await zoneMut.remove.mutateAsync(r.id);
      void message.success(t('common.deleted'));
      if (selectedId === r.id) setParam({ id: null });
    } catch (err) {
      report(err);
    }
  };

  const columns: TableColumnsType<Item> = [
    {
      title: t('segments.name'),
      key: 'name',
      render: (_, r) => (
        <div>
          <div>{r.name}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.code}
          </Typography.Text>
        </div>
      ),
    },
    ...(tab === 'segments'
      ? ([
          {
            title: t('segments.span'),
            key: 'span',
            responsive: ['sm'],
            render: (_: unknown, r: Item) => {
              const s = r as RoadSegmentView;
              return s.fromDesc || s.toDesc ? `${s.fromDesc ?? '?'} → ${s.toDesc ?? '?'}` : t('common.none');
            },
          },
          {
            title: t('segments.length'),
            key: 'length',
            align: 'right',
            render: (_: unknown, r: Item) => <span className="cc-nowrap">{t('map.meters', { n: (r as RoadSegmentView).lengthM })}</span>,
          },
        ] as TableColumnsType<Item>)
      : []),
    { title: t('segments.region'), key: 'region', responsive: ['md'], render: (_, r) => regionName(r.regionId) },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      render: (_, r) => (
        <Space size={0} onClick={(e) => e.stopPropagation()}>
          {r.actions.includes('update') && (
            <Button type="link" size="small" icon={<EditOutlined />} onClick={() => openEdit(r)} aria-label={t('common.edit')} title={t('common.edit')} />
          )}
          {r.actions.includes('delete') && (
            <Popconfirm title={t('common.deleteConfirm', { name: r.name })} okButtonProps={{ danger: true }} onConfirm={() => onDelete(r)}>
              <Button type="link" size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} title={t('common.delete')} />
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  const isNew = editing === 'new';
  const kindLabel = tab === 'segments' ? t('segments.segment') : t('segments.zone');

  return (
    <>
      <PageHeader
        title={t('segments.title')}
        extra={
          <>
            <ImportExportButtons kind="segments" />
            {canCreate && (
              <Button type="primary" icon={<PlusOutlined />} onClick={openCreate} data-testid="segment-create">
                {t('segments.create', { kind: kindLabel })}
              </Button>
            )}
          </>
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card size="small">
            <Tabs
              activeKey={tab}
              onChange={(k) => {
                setSearch('');
                setParam({ tab: k === 'zones' ? 'zones' : null, id: null, q: null });
              }}
              items={[
                { key: 'segments', label: t('segments.tabSegments', { count: segments.data?.items.length ?? 0 }) },
                { key: 'zones', label: t('segments.tabZones', { count: zones.data?.items.length ?? 0 }) },
              ]}
            />
            <Input.Search
              allowClear
              className="cc-toolbar__search"
              style={{ marginBottom: 12 }}
              placeholder={t('segments.searchPlaceholder')}
              aria-label={t('segments.searchPlaceholder')}
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              onSearch={(v) => setParam({ q: v.trim() || null })}
            />
            {list.isError ? (
              <QueryError error={list.error} onRetry={() => void list.refetch()} />
            ) : (
              <Table<Item>
                rowKey="id"
                size="small"
                columns={columns}
                dataSource={rows}
                loading={list.isFetching}
                pagination={{ pageSize: 20, hideOnSinglePage: true, size: 'small' }}
                locale={{ emptyText: tab === 'segments' ? t('segments.emptySegments') : t('segments.emptyZones') }}
                rowClassName={(r) => (r.id === selectedId ? 'ant-table-row-selected' : '')}
                onRow={(r) => ({ onClick: () => setParam({ id: String(r.id) }), style: { cursor: 'pointer' } })}
                scroll={{ x: 'max-content' }}
                data-testid="segments-table"
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={focused.length ? rows.find((r) => r.id === selectedId)?.name : t('segments.mapTitle')}>
            <Suspense fallback={<div className="cc-map cc-map--plain" style={{ height: screens.lg ? 520 : 320 }} />}>
              <GeoPreview
                label={t('segments.mapTitle')}
                shapes={shapes}
                fitKey={`${tab}:${selectedId ?? 'all'}:${rows.length}`}
                height={screens.lg ? 520 : 320}
                data-testid="segments-map"
              />
            </Suspense>
          </Card>
        </Col>
      </Row>

      <Drawer
        open={editing !== null}
        title={isNew ? t('segments.create', { kind: kindLabel }) : t('segments.edit', { kind: kindLabel })}
        size={screens.sm ? 560 : '100%'}
        onClose={() => setEditing(null)}
        forceRender
        extra={
          <Space>
            <Button onClick={() => setEditing(null)}>{t('common.cancel')}</Button>
            <Button
              type="primary"
              onClick={onSubmit}
              loading={segMut.create.isPending || segMut.update.isPending || zoneMut.create.isPending || zoneMut.update.isPending}
              data-testid="segment-save"
            >
              {t('common.save')}
            </Button>
          </Space>
        }
      >
        <Form<Values> form={form} layout="vertical" requiredMark="optional" data-testid="segment-form">
          <Form.Item name="name" label={t('segments.name')} rules={[{ required: true, whitespace: true, message: t('segments.nameRequired') }, { max: 100 }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item
            name="code"
            label={t('segments.code')}
            extra={t('regions.codeRule')}
            rules={[
              { required: true, message: t('segments.codeRequired') },
              { pattern: new RegExp(CODE_PATTERN), message: t('regions.codeRule') },
            ]}
          >
            <Input maxLength={32} />
          </Form.Item>
          {tab === 'segments' && (
            <Row gutter={8}>
              <Col span={12}>
                <Form.Item name="fromDesc" label={t('segments.from')} rules={[{ max: 100 }]}>
                  <Input maxLength={100} placeholder={t('segments.fromPlaceholder')} />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="toDesc" label={t('segments.to')} rules={[{ max: 100 }]}>
                  <Input maxLength={100} placeholder={t('segments.toPlaceholder')} />
                </Form.Item>
              </Col>
            </Row>
          )}
          {can('region.read') && (
            <Form.Item name="regionId" label={t('segments.region')} extra={t('segments.regionHint')}>
              <RegionTreeSelect placeholder={t('units.regionPlaceholder')} />
            </Form.Item>
          )}
          <Form.Item
            name="geometry"
            label={tab === 'segments' ? t('segments.lineGeoJson') : t('segments.areaGeoJson')}
            rules={[{ required: true, message: t('geometry.required') }]}
          >
            <GeometryField kind={tab === 'segments' ? 'line' : 'area'} />
          </Form.Item>
        </Form>
      </Drawer>
    </>
  );
}
