import { lazy, Suspense, useEffect, useState } from 'react';
import { App, Button, Card, Col, Descriptions, Drawer, Form, Grid, Input, InputNumber, Modal, Popconfirm, Row, Select, Space, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { AimOutlined, DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { CODE_PATTERN, MERCHANT_TRADES, UNIT_KINDS, type MerchantTrade, type UnitKind, type UnitView } from '@cc/domain';
import { useUnitMutations, useUnits, type UnitQuery } from '../api/org';
import { useAuth } from '../app/auth';
import { ImportExportButtons } from '../components/ImportExportButtons';
import { PageHeader } from '../components/PageHeader';
import { PagedTable } from '../components/PagedTable';
import { RegionTreeSelect } from '../components/RegionTreeSelect';
import { PersonSelect } from '../components/PersonSelect';
import { UnitSelect } from '../components/UnitSelect';
import { useLanguage } from '../i18n';
import { isApiError } from '../lib/errors';
import { tradeLabel, unitKindLabel } from '../lib/labels';
import { useReportError } from '../lib/useReportError';
import { oneOf, positiveInt as num, useQueryParams, pageOf } from '../lib/useQueryParams';

const GeoPreview = lazy(() => import('../map/GeoPreview'));

interface FormValues {
  name: string;
  code: string;
  kind?: UnitKind;
  parentId?: number | null;
  regionId?: number | null;
  address?: string;
  contactName?: string;
  contactPhone?: string;
  lng?: number | null;
  lat?: number | null;
  firstResponsiblePersonId?: number | null;
  trade?: MerchantTrade | null;
}
const FIELDS = [
  'name',
  'code',
  'kind',
  'parentId',
  'regionId',
  'address',
  'contactName',
  'contactPhone',
  'lng',
  'lat',
  'firstResponsiblePersonId',
  'trade',
] as const;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Pick a point on a map; the current point (if any) is pinned. */
function PickLocation({
  open,
  value,
  onPick,
  onClose,
}: {
  open: boolean;
  value: { lng: number; lat: number } | null;
  onPick: (p: { lng: number; lat: number }) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [point, setPoint] = useState(value);
  useEffect(() => {
    if (open) setPoint(value);
  }, [open, value]);
  return (
    <Modal
      open={open}
      title={t('units.pickTitle')}
      okText={t('units.usePoint')}
      okButtonProps={{ disabled: !point }}
      onOk={() => point && onPick(point)}
      onCancel={onClose}
      width={720}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">
        {point ? t('units.picked', { x: point.lng.toFixed(6), y: point.lat.toFixed(6) }) : t('map.pickHint')}
      </Typography.Paragraph>
      <Suspense fallback={<div className="cc-map cc-map--plain" style={{ height: 420 }} />}>
        <GeoPreview
          label={t('units.pickTitle')}
          shapes={[]}
          pin={point}
          fitKey={value ? `${value.lng},${value.lat}` : 'none'}
          height={420}
          onPick={([lng, lat]) => setPoint({ lng, lat })}
          data-testid="unit-pick-map"
        />
      </Suspense>
    </Modal>
  );
}
const PHONE = /^[0-9+\-() ]{3,32}$/;

const text = (v: string | undefined) => (v && v.trim() ? v.trim() : null);

export default function UnitsPage() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const { message } = App.useApp();
  const { can } = useAuth();
  const report = useReportError();
  const screens = Grid.useBreakpoint();
  const { params, setQuery, resetQuery } = useQueryParams();
  const query: UnitQuery = {
    q: params.get('q') ?? undefined,
    kind: oneOf(params.get('kind'), UNIT_KINDS),
    regionId: num(params.get('regionId')),
    parentId: num(params.get('parentId')),
    ...pageOf(params),
  };
  const units = useUnits(query);
  const { create, update, remove } = useUnitMutations();
  const [editing, setEditing] = useState<UnitView | 'new' | null>(null);
  const [viewing, setViewing] = useState<UnitView | null>(null);
  const [picking, setPicking] = useState(false);

  const [searchText, setSearchText] = useState(query.q ?? '');
  const [form] = Form.useForm<FormValues>();
  const formKind = Form.useWatch('kind', form);
  const formLng = Form.useWatch('lng', form);
  const formLat = Form.useWatch('lat', form);

  useEffect(() => setSearchText(params.get('q') ?? ''), [params]);

  const openCreate = () => {
    form.resetFields();
    form.setFieldsValue({ regionId: query.regionId ?? null, parentId: query.parentId ?? null });
    setEditing('new');
  };
  const openCreateChild = (parent: UnitView) => {
    form.resetFields();
    form.setFieldsValue({ parentId: parent.id, regionId: parent.regionId });
    setEditing('new');
  };
  const openEdit = (u: UnitView) => {
    form.resetFields();
    form.setFieldsValue({
      name: u.name,
      code: u.code,
      kind: u.kind,
      parentId: u.parentId,
      regionId: u.regionId,
      address: u.address ?? '',
      contactName: u.contactName ?? '',
      contactPhone: u.contactPhone ?? '',
      lng: u.lng,
      lat: u.lat,
      firstResponsiblePersonId: u.firstResponsiblePerson?.id ?? null,
      trade: u.trade,
    });
    setViewing(null);
    setEditing(u);
  };

  const onSubmit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v || !editing) return;
    const isNew = editing === 'new';
    const common = {
      name: v.name.trim(),
      code: v.code.trim(),
      regionId: v.regionId ?? null,
      address: text(v.address),
      contactName: text(v.contactName),
      contactPhone: text(v.contactPhone),
      lng: isNum(v.lng) && isNum(v.lat) ? v.lng : null,
      lat: isNum(v.lng) && isNum(v.lat) ? v.lat : null,
      ...(can('person.read') ? { firstResponsiblePersonId: v.firstResponsiblePersonId ?? null } : {}),
      trade: (isNew ? v.kind : editing.kind) === 'merchant' ? (v.trade ?? null) : null,
    };
    try {
      if (editing === 'new') {
        await create.mutateAsync({ ...common, kind: v.kind!, parentId: v.parentId ?? null });
        void message.success(t('common.created'));
      } else {
        await update.mutateAsync({ id: editing.id, body: { ...common, version: editing.version } });
        void message.success(t('common.saved'));
      }
      setEditing(null);
    } catch (err) {
      if (isApiError(err, 'CONFLICT')) {
        void message.warning(t('errors.conflict'));
        setEditing(null);
        void units.refetch();
        return;
      }
      report(err, form, { fields: FIELDS, codeFields: { INVALID_PARENT: 'parentId' } });
    }
  };

  const onDelete = async (u: UnitView) => {
    try {
      await remove.mutateAsync(u.id);
      void message.success(t('common.deleted'));
    } catch (err) {
      report(err);
    }
  };

  const columns: TableColumnsType<UnitView> = [
    {
      title: t('units.name'),
      dataIndex: 'name',
      render: (_, u) => (
        <div>
          <div>
            <Typography.Link onClick={() => setViewing(u)} data-testid="unit-open">
              {u.name}
            </Typography.Link>
          </div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {u.code}
          </Typography.Text>
          {!screens.md && (
            <Tag variant="filled" style={{ marginInlineStart: 8 }}>
              {unitKindLabel(u.kind, lang)}
            </Tag>
          )}
        </div>
      ),
    },
    {
      title: t('units.kind'),
      dataIndex: 'kind',
      width: 150,
      responsive: ['md'],
      render: (k: UnitKind) => <Tag variant="filled">{unitKindLabel(k, lang)}</Tag>,
    },
    { title: t('units.region'), dataIndex: 'regionName', responsive: ['md'], render: (v: string | null) => v ?? t('common.none') },
    {
      title: t('units.contact'),
      key: 'contact',
      responsive: ['lg'],
      render: (_, u) =>
        u.contactName || u.contactPhone ? (
          <div>
            <div>{u.contactName ?? t('common.none')}</div>
            <Typography.Text type="secondary">{u.contactPhone}</Typography.Text>
          </div>
        ) : (
          t('common.none')
        ),
    },
    { title: t('units.address'), dataIndex: 'address', responsive: ['xl'], ellipsis: true, render: (v: string | null) => v ?? t('common.none') },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 120,
      render: (_, u) => (
        <Space size={0}>
          {u.actions.includes('create-child') && (
            <Button
              type="link"
              size="small"
              icon={<PlusOutlined />}
              onClick={() => openCreateChild(u)}
              aria-label={t('units.createChild')}
              title={t('units.createChild')}
            />
          )}
          {u.actions.includes('update') && (
            <Button type="link" size="small" icon={<EditOutlined />} onClick={() => openEdit(u)} aria-label={t('common.edit')} title={t('common.edit')} />
          )}
          {u.actions.includes('delete') && (
            <Popconfirm
              title={t('common.deleteConfirm', { name: u.name })}
              okButtonProps={{ danger: true }}
              onConfirm={() => onDelete(u)}
            >
              <Button type="link" size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} title={t('common.delete')} />
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  const isNew = editing === 'new';

  return (
    <>
      <PageHeader
        title={t('units.title')}
        extra={
          <>
            <ImportExportButtons kind="units" />
            {units.data?.actions.includes('create') && (
              <Button type="primary" icon={<PlusOutlined />} onClick={openCreate} data-testid="unit-create">
                {t('units.createTitle')}
              </Button>
            )}
          </>
        }
      />
      <Card>
        <div className="cc-toolbar">
          <Input.Search
            className="cc-toolbar__search"
            allowClear
            placeholder={t('units.searchPlaceholder')}
            aria-label={t('units.searchPlaceholder')}
            value={searchText}
            onChange={(e) => setSearchText(e.target.value)}
            onSearch={(v) => setQuery({ q: v.trim() })}
          />
          <Select<UnitKind>
            className="cc-toolbar__select"
            allowClear
            placeholder={t('units.allKinds')}
            aria-label={t('units.kind')}
            value={query.kind}
            onChange={(v) => setQuery({ kind: v })}
            options={UNIT_KINDS.map((k) => ({ value: k, label: unitKindLabel(k, lang) }))}
          />
          {can('region.read') && (
            <RegionTreeSelect
              style={{ width: screens.md ? 220 : '100%' }}
              placeholder={t('units.allRegions')}
              aria-label={t('units.region')}
              value={query.regionId ?? null}
              onChange={(v) => setQuery({ regionId: v })}
            />
          )}
          {(query.q || query.kind || query.regionId || query.parentId) && (
            <Button onClick={() => resetQuery()}>{t('common.reset')}</Button>
          )}
        </div>
        <PagedTable<UnitView>
          result={units}
          query={query}
          onPage={(page, pageSize) => setQuery({ page, pageSize }, false)}
          columns={columns}
          empty={t('units.empty')}
          testId="units-table"
        />
      </Card>

      <Drawer
        open={editing !== null}
        title={isNew ? t('units.createTitle') : t('units.editTitle')}
        size={screens.sm ? 520 : '100%'}
        onClose={() => setEditing(null)}
        forceRender
        extra={
          <Space>
            <Button onClick={() => setEditing(null)}>{t('common.cancel')}</Button>
            <Button type="primary" onClick={onSubmit} loading={create.isPending || update.isPending} data-testid="unit-save">
              {t('common.save')}
            </Button>
          </Space>
        }
      >
        <Form<FormValues> form={form} layout="vertical" requiredMark="optional" onFinish={onSubmit} data-testid="unit-form">
          <Form.Item name="name" label={t('units.name')} rules={[{ required: true, whitespace: true, message: t('units.nameRequired') }, { max: 100 }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item
            name="code"
            label={t('units.code')}
            extra={t('regions.codeRule')}
            rules={[
              { required: true, message: t('units.codeRequired') },
              { pattern: new RegExp(CODE_PATTERN), message: t('regions.codeRule') },
            ]}
          >
            <Input maxLength={32} />
          </Form.Item>
          <Form.Item
            name="kind"
            label={t('units.kind')}
            rules={[{ required: true, message: t('units.kindRequired') }]}
            extra={!isNew ? t('units.parentFixed') : undefined}
          >
            <Select<UnitKind> disabled={!isNew} options={UNIT_KINDS.map((k) => ({ value: k, label: unitKindLabel(k, lang) }))} />
          </Form.Item>
          <Form.Item name="parentId" label={t('units.parent')}>
            <UnitSelect disabled={!isNew} placeholder={t('units.parentPlaceholder')} exclude={isNew ? undefined : editing?.id} />
          </Form.Item>
          {can('region.read') && (
            <Form.Item name="regionId" label={t('units.region')}>
              <RegionTreeSelect placeholder={t('units.regionPlaceholder')} />
            </Form.Item>
          )}
          <Form.Item name="address" label={t('units.address')} rules={[{ max: 200 }]}>
            <Input.TextArea maxLength={200} autoSize={{ minRows: 2, maxRows: 4 }} />
          </Form.Item>
          <Form.Item name="contactName" label={t('units.contactName')} rules={[{ max: 64 }]}>
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item
            name="contactPhone"
            label={t('units.contactPhone')}
            rules={[{ pattern: PHONE, message: t('units.phoneInvalid') }]}
          >
            <Input maxLength={32} inputMode="tel" />
          </Form.Item>
          {(formKind ?? (editing !== 'new' ? editing?.kind : undefined)) === 'merchant' && (
            <Form.Item name="trade" label={t('units.trade')}>
              <Select<MerchantTrade> allowClear placeholder={t('units.tradePlaceholder')} options={MERCHANT_TRADES.map((k) => ({ value: k, label: tradeLabel(k, lang) }))} />
            </Form.Item>
          )}
          {can('person.read') && (
            <Form.Item name="firstResponsiblePersonId" label={t('units.firstResponsible')} extra={t('units.firstResponsibleHint')}>
              <PersonSelect />
            </Form.Item>
          )}
          <Typography.Text strong>{t('units.location')}</Typography.Text>
          <Row gutter={8} align="bottom" style={{ marginTop: 8 }}>
            <Col flex="1 1 120px">
              <Form.Item
                name="lng"
                label={t('units.lng')}
                dependencies={['lat']}
                rules={[
                  { type: 'number', min: -180, max: 180, message: t('units.lngRange') },
                  ({ getFieldValue }) => ({
                    validator: (_, v: number | null | undefined) =>
                      isNum(v) === isNum(getFieldValue('lat')) ? Promise.resolve() : Promise.reject(new Error(t('units.bothOrNeither'))),
                  }),
                ]}
              >
                <InputNumber step={0.0001} precision={6} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col flex="1 1 120px">
              <Form.Item
                name="lat"
                label={t('units.lat')}
                dependencies={['lng']}
                rules={[
                  { type: 'number', min: -90, max: 90, message: t('units.latRange') },
                  ({ getFieldValue }) => ({
                    validator: (_, v: number | null | undefined) =>
                      isNum(v) === isNum(getFieldValue('lng')) ? Promise.resolve() : Promise.reject(new Error(t('units.bothOrNeither'))),
                  }),
                ]}
              >
                <InputNumber step={0.0001} precision={6} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col flex="none">
              <Form.Item>
                <Space size={4}>
                  <Button icon={<AimOutlined />} onClick={() => setPicking(true)} data-testid="unit-pick">
                    {t('units.pickOnMap')}
                  </Button>
                  {(isNum(formLng) || isNum(formLat)) && (
                    <Button type="link" onClick={() => form.setFieldsValue({ lng: null, lat: null })}>
                      {t('units.clearLocation')}
                    </Button>
                  )}
                </Space>
              </Form.Item>
            </Col>
          </Row>
          <button type="submit" hidden aria-hidden tabIndex={-1} />
        </Form>
      </Drawer>

      <PickLocation
        open={picking}
        value={isNum(formLng) && isNum(formLat) ? { lng: formLng, lat: formLat } : null}
        onPick={(p) => {
          form.setFieldsValue(p);
          void form.validateFields(['lng', 'lat']).catch(() => null);
          setPicking(false);
        }}
        onClose={() => setPicking(false)}
      />

      <Drawer
        open={viewing !== null}
        title={viewing?.name}
        size={screens.sm ? 520 : '100%'}
        onClose={() => setViewing(null)}
        data-testid="unit-detail"
        extra={
          viewing?.actions.includes('update') && (
            <Button icon={<EditOutlined />} onClick={() => viewing && openEdit(viewing)}>
              {t('common.edit')}
            </Button>
          )
        }
      >
        {viewing && (
          <>
            <Descriptions
              size="small"
              bordered
              column={1}
              items={[
                { key: 'code', label: t('units.code'), children: <Typography.Text code>{viewing.code}</Typography.Text> },
                { key: 'kind', label: t('units.kind'), children: unitKindLabel(viewing.kind, lang) },
                ...(viewing.kind === 'merchant'
                  ? [{ key: 'trade', label: t('units.trade'), children: viewing.trade ? tradeLabel(viewing.trade, lang) : t('common.none') }]
                  : []),
                { key: 'region', label: t('units.region'), children: viewing.regionName ?? t('common.none') },
                { key: 'address', label: t('units.address'), children: viewing.address ?? t('common.none') },
                {
                  key: 'contact',
                  label: t('units.contact'),
                  children: [viewing.contactName, viewing.contactPhone].filter(Boolean).join(' · ') || t('common.none'),
                },
                { key: 'first', label: t('units.firstResponsible'), children: viewing.firstResponsiblePerson?.name ?? t('common.none') },
                {
                  key: 'loc',
                  label: t('units.location'),
                  children: isNum(viewing.lng) && isNum(viewing.lat) ? `${viewing.lng.toFixed(6)}, ${viewing.lat.toFixed(6)}` : t('units.noLocation'),
                },
              ]}
            />
            {isNum(viewing.lng) && isNum(viewing.lat) && (
              <div style={{ marginTop: 16 }}>
                <Suspense fallback={<div className="cc-map cc-map--plain" style={{ height: 260 }} />}>
                  <GeoPreview
                    label={t('units.location')}
                    shapes={[]}
                    pin={{ lng: viewing.lng, lat: viewing.lat }}
                    fitKey={`${viewing.id}:${viewing.lng},${viewing.lat}`}
                    height={260}
                    data-testid="unit-mini-map"
                  />
                </Suspense>
              </div>
            )}
          </>
        )}
      </Drawer>
    </>
  );
}
