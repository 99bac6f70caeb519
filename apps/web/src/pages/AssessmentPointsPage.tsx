import { lazy, Suspense, useMemo, useState } from 'react';
import { App, Button, Card, Col, DatePicker, Drawer, Empty, Form, Grid, Input, Modal, Row, Select, Space, Switch, Table, Tabs, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import type { CreatePointBody, PointTypeView, PointView } from '@cc/domain';
import { useAuth } from '../app/auth';
import { PageHeader } from '../components/PageHeader';
import { PersonSelect } from '../components/PersonSelect';
import { QueryError } from '../components/QueryError';
import { UnitSelect } from '../components/UnitSelect';
import { useLanguage } from '../i18n';
import { isApiError } from '../lib/errors';
import { useReportError } from '../lib/useReportError';
import { usePlans, usePointMutations, usePoints, usePointTypes, useResults, useSheets } from './inspections/api';
import { iso, ModeTag, PlanSelect, periods, RateText, todayIso, type Period } from './inspections/common';
import { UnpublishedNotice } from './inspections/PublishResults';
import { RankingTable, RateBars } from './inspections/ResultsTables';
import { useInspectionStrings, type InspectionStrings } from './inspections/strings';
import './inspections/inspections.css';

const PointsMap = lazy(() => import('./inspections/PointsMap'));
const PlacePicker = lazy(() => import('../components/cases/PlacePicker'));
const CODE = /^[A-Za-z0-9_-]{1,32}$/;
const mapFallback = (height: number) => <div className="cc-map cc-map--plain" style={{ height }} />;

interface PointForm {
  code: string;
  name: string;
  typeId: number;
  address?: string;
  place: { lng: number; lat: number } | null;
  responsibleUnitId: number | null;
  chiefPersonId: number | null;
  active: boolean;
}

/** Position field: a click on the map sets it. */
function PlaceField({
  value,
  onChange,
  focus,
  s,
}: {
  value?: { lng: number; lat: number } | null;
  onChange?: (v: { lng: number; lat: number }) => void;
  /** Where the map opens (the edited point); it does not follow the user's clicks. */
  focus: { lng: number; lat: number; zoom: number } | null;
  s: InspectionStrings;
}) {
  return (
    <div data-testid="point-place">
      <Suspense fallback={mapFallback(260)}>
        <PlacePicker value={value ?? null} onPick={(p) => onChange?.(p)} height={260} focus={focus} />
      </Suspense>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {value ? `${value.lat.toFixed(6)}, ${value.lng.toFixed(6)}` : s.points.positionHint}
      </Typography.Text>
    </div>
  );
}

function PointEditor({ point, open, onClose, types, s }: { point: PointView | null; open: boolean; onClose: () => void; types: PointTypeView[]; s: InspectionStrings }) {
  const { message } = App.useApp();
  const { t } = useTranslation();
  const lang = useLanguage();
  const screens = Grid.useBreakpoint();
  const report = useReportError();
  const { create, update } = usePointMutations();
  const [form] = Form.useForm<PointForm>();
  const unitId = Form.useWatch('responsibleUnitId', form);
  const [lastOpen, setLastOpen] = useState(false);
  const [focus, setFocus] = useState<{ lng: number; lat: number; zoom: number } | null>(null);
  if (open !== lastOpen) {
    setLastOpen(open);
    if (open) {
      setFocus(point ? { lng: point.lng, lat: point.lat, zoom: 16 } : null);
      form.resetFields();
      form.setFieldsValue(
        point
          ? {
              code: point.code,
              name: point.name,
              typeId: point.type.id,
              address: point.address ?? '',
              place: { lng: point.lng, lat: point.lat },
              responsibleUnitId: point.responsibleUnit?.id ?? null,
              chiefPersonId: point.chief?.id ?? null,
              active: point.active,
            }
          : { code: '', name: '', address: '', place: null, responsibleUnitId: null, chiefPersonId: null, active: true, typeId: types[0]?.id },
      );
    }
  }
  const save = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v || !v.place) return;
    const body: CreatePointBody = {
      code: v.code.trim(),
      name: v.name.trim(),
      typeId: v.typeId,
      address: v.address?.trim() || null,
      lat: Math.round(v.place.lat * 1e6) / 1e6,
      lng: Math.round(v.place.lng * 1e6) / 1e6,
      responsibleUnitId: v.responsibleUnitId,
      chiefPersonId: v.chiefPersonId,
      active: v.active,
    };
    try {
      if (point) await update.mutateAsync({ id: point.id, body: { version: point.version, ...body } });
      else await create.mutateAsync(body);
      void message.success(point ? t('common.saved') : t('common.created'));
      onClose();
    } catch (err) {
      if (isApiError(err, 'CONFLICT')) {
        void message.warning(s.conflict);
        onClose();
        return;
      }
      report(err, form, { fields: ['code', 'name', 'typeId', 'address', 'place', 'responsibleUnitId', 'chiefPersonId'], fieldMap: { lat: 'place', lng: 'place' }, codeFields: { DUPLICATE: 'code' } });
    }
  };
  return (
    <Drawer
      open={open}
      title={point ? s.points.edit : s.points.add}
      size={screens.md ? 620 : '100%'}
      onClose={onClose}
      forceRender
      extra={
        <Button type="primary" onClick={() => void save()} loading={create.isPending || update.isPending} data-testid="point-save">
          {t('common.save')}
        </Button>
      }
    >
      <Form<PointForm> form={form} layout="vertical" data-testid="point-form">
        <Row gutter={12}>
          <Col xs={24} sm={9}>
            <Form.Item name="code" label={s.points.code} rules={[{ required: true, message: s.required }, { pattern: CODE, message: s.points.codeRule }]}>
              <Input maxLength={32} data-testid="point-code" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={15}>
            <Form.Item name="typeId" label={s.points.type} rules={[{ required: true, message: s.required }]}>
              <Select options={types.map((x) => ({ value: x.id, label: lang === 'en' ? x.nameEn : x.name }))} aria-label={s.points.type} data-testid="point-type" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="name" label={s.points.name} rules={[{ required: true, whitespace: true, message: s.required }, { max: 100 }]}>
          <Input maxLength={100} data-testid="point-name" />
        </Form.Item>
        <Form.Item name="address" label={s.points.address} rules={[{ max: 200 }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="place" label={s.points.position} rules={[{ required: true, message: s.points.positionRequired }]}>
          <PlaceField s={s} focus={focus} />
        </Form.Item>
        <Row gutter={12}>
          <Col xs={24} sm={12}>
            <Form.Item name="responsibleUnitId" label={s.points.unit}>
              <UnitSelect aria-label={s.points.unit} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="chiefPersonId" label={s.points.chief}>
              <PersonSelect unitId={unitId ?? undefined} aria-label={s.points.chief} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="active" label={s.points.active} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

function PointsTab({ s, canEdit }: { s: InspectionStrings; canEdit: boolean }) {
  const lang = useLanguage();
  const screens = Grid.useBreakpoint();
  const types = usePointTypes();
  const [q, setQ] = useState('');
  const [typeId, setTypeId] = useState<number | undefined>();
  // The map is coloured by the latest simulated plan until the user picks another or clears it.
  const simulated = usePlans({ kind: 'simulated', pageSize: 500 });
  const [pickedColor, setColorPlan] = useState<number | null | undefined>(undefined);
  const colorPlan = pickedColor === undefined ? (simulated.data?.items[0]?.id ?? null) : pickedColor;
  const points = usePoints({ q: q.trim() || undefined, typeId, pageSize: 500 });
  const sheets = useSheets({ planId: colorPlan ?? undefined, state: 'submitted', pageSize: 500 });
  const [editing, setEditing] = useState<PointView | 'new' | null>(null);
  // The latest submitted sheet of the chosen plan per point (the list comes newest first).
  const rates = useMemo(() => {
    if (!colorPlan || !sheets.data) return undefined;
    const m = new Map<number, number | null>();
    for (const sh of sheets.data.items) if (sh.plan.id === colorPlan && sh.target.kind === 'point' && !m.has(sh.target.id)) m.set(sh.target.id, sh.rate);
    return m;
  }, [colorPlan, sheets.data]);
  const items = points.data?.items ?? [];

  const columns: TableColumnsType<PointView> = [
    { title: s.points.code, dataIndex: 'code', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
    {
      title: s.points.name,
      key: 'name',
      render: (_, p) => (
        <div>
          <Typography.Text type={p.active ? undefined : 'secondary'}>{p.name}</Typography.Text>
          {p.address && p.address !== p.name && (
            <div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {p.address}
              </Typography.Text>
            </div>
          )}
        </div>
      ),
    },
    { title: s.points.type, key: 'type', render: (_, p) => <Tag>{p.type.name}</Tag> },
    { title: s.points.unit, key: 'unit', render: (_, p) => p.responsibleUnit?.name ?? s.none },
    {
      title: s.points.chief,
      key: 'chief',
      render: (_, p) =>
        p.chief ? (
          <span>
            {p.chief.name}
            {p.chief.phone && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {' '}
                {p.chief.phone}
              </Typography.Text>
            )}
          </span>
        ) : (
          s.none
        ),
    },
    { title: s.points.region, key: 'region', responsive: ['lg'], render: (_, p) => p.region?.name ?? s.none },
    ...(rates ? [{ title: s.points.latest, key: 'rate', align: 'right' as const, render: (_: unknown, p: PointView) => <RateText rate={rates.get(p.id) ?? null} /> }] : []),
    {
      title: '',
      key: 'actions',
      render: (_, p) => (
        <Space size={0}>
          {canEdit && p.actions.includes('edit') && (
            <Button type="link" size="small" icon={<EditOutlined />} onClick={() => setEditing(p)} aria-label={`${s.points.edit}: ${p.name}`} title={s.points.edit} />
          )}
          <Link to={`/inspections?pointId=${p.id}`}>{s.points.history}</Link>
        </Space>
      ),
    },
  ];

  if (points.isError) return <QueryError error={points.error} onRetry={() => void points.refetch()} />;
  return (
    <>
      <div className="cc-insp-toolbar">
        <Input.Search allowClear placeholder={s.points.search} style={{ width: 200 }} value={q} onChange={(e) => setQ(e.target.value)} aria-label={s.points.search} />
        <Select<number>
          allowClear
          placeholder={s.points.typePlaceholder}
          style={{ width: 160 }}
          value={typeId}
          onChange={(v) => setTypeId(v ?? undefined)}
          options={(types.data ?? []).map((x) => ({ value: x.id, label: lang === 'en' ? x.nameEn : x.name }))}
          aria-label={s.points.type}
        />
        <PlanSelect kind="simulated" value={colorPlan} onChange={(id) => setColorPlan(id)} placeholder={s.points.colorByPlaceholder} style={{ width: 220 }} aria-label={s.points.colorBy} />
        <div style={{ flex: 1 }} />
        {canEdit && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="point-new">
            {s.points.add}
          </Button>
        )}
      </div>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={10}>
          <Suspense fallback={mapFallback(screens.md ? 420 : 300)}>
            <PointsMap points={items} rates={rates} s={s} height={screens.md ? 420 : 300} onSelect={canEdit ? (p) => setEditing(p) : undefined} />
          </Suspense>
        </Col>
        <Col xs={24} xl={14}>
          <Table<PointView>
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={items}
            loading={points.isFetching}
            scroll={{ x: 'max-content' }}
            pagination={{ pageSize: 20, size: 'small', showSizeChanger: false, hideOnSinglePage: true }}
            locale={{ emptyText: s.points.empty }}
            data-testid="point-table"
          />
        </Col>
      </Row>
      <PointEditor point={editing === 'new' ? null : editing} open={editing !== null} onClose={() => setEditing(null)} types={(types.data ?? []).filter((x) => x.active)} s={s} />
    </>
  );
}

function TypesTab({ s, canEdit }: { s: InspectionStrings; canEdit: boolean }) {
  const { message } = App.useApp();
  const report = useReportError();
  const types = usePointTypes();
  const { createType } = usePointMutations();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ code: string; name: string; nameEn: string }>();
  const add = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    try {
      await createType.mutateAsync({ code: v.code.trim(), name: v.name.trim(), nameEn: v.nameEn.trim() });
      void message.success(s.points.typeCreated);
      setOpen(false);
    } catch (err) {
      report(err, form, { fields: ['code', 'name', 'nameEn'], codeFields: { DUPLICATE: 'code' } });
    }
  };
  if (types.isError) return <QueryError error={types.error} onRetry={() => void types.refetch()} />;
  return (
    <>
      {canEdit && (
        <div className="cc-insp-toolbar">
          <Button
            icon={<PlusOutlined />}
            onClick={() => {
              form.resetFields();
              setOpen(true);
            }}
            data-testid="type-new"
          >
            {s.points.typeAdd}
          </Button>
        </div>
      )}
      <Table<PointTypeView>
        rowKey="id"
        size="small"
        dataSource={types.data ?? []}
        loading={types.isLoading}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: s.points.typeCode, dataIndex: 'code', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
          { title: s.points.typeName, dataIndex: 'name' },
          { title: s.points.typeNameEn, dataIndex: 'nameEn' },
          { title: s.points.typeCount, dataIndex: 'pointCount', align: 'right' },
          { title: s.points.active, dataIndex: 'active', render: (v: boolean) => (v ? <Tag color="success">✓</Tag> : <Tag>—</Tag>) },
        ]}
        data-testid="type-table"
      />
      <Modal open={open} title={s.points.typeAdd} onCancel={() => setOpen(false)} onOk={() => void add()} confirmLoading={createType.isPending} forceRender>
        <Form form={form} layout="vertical">
          <Form.Item name="code" label={s.points.typeCode} rules={[{ required: true, message: s.required }, { pattern: CODE, message: s.points.codeRule }]}>
            <Input maxLength={32} />
          </Form.Item>
          <Form.Item name="name" label={s.points.typeName} rules={[{ required: true, whitespace: true, message: s.required }, { max: 40 }]}>
            <Input maxLength={40} />
          </Form.Item>
          <Form.Item name="nameEn" label={s.points.typeNameEn} rules={[{ required: true, whitespace: true, message: s.required }, { max: 80 }]}>
            <Input maxLength={80} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** 模拟测评结果: a simulated plan over a period — rate per point (on the map), per type, per responsible unit. */
function ResultsTab({ s }: { s: InspectionStrings }) {
  const screens = Grid.useBreakpoint();
  const plans = usePlans({ kind: 'simulated', pageSize: 500 });
  const [picked, setPicked] = useState<number | null>(null);
  const planId = picked ?? plans.data?.items[0]?.id ?? null;
  const plan = plans.data?.items.find((p) => p.id === planId);
  // Until the user picks dates: the plan's own period (a simulated assessment often spans two months).
  const [chosen, setChosen] = useState<Period | null>(null);
  const period: Period = chosen ?? (plan ? [plan.startsOn, plan.endsOn ?? todayIso()] : periods.thisMonth());
  const results = useResults(planId, period[0], period[1]);
  const points = usePoints({ pageSize: 500 });
  const rates = useMemo(() => {
    const m = new Map<number, number | null>();
    for (const r of results.data?.rows ?? []) if (r.target.kind === 'point') m.set(r.target.id, r.rate);
    return m;
  }, [results.data]);
  if (plans.data && plans.data.items.length === 0) return <Empty description={s.points.noSimulated} />;
  return (
    <>
      <div className="cc-insp-toolbar">
        <PlanSelect
          kind="simulated"
          value={planId}
          onChange={(id) => {
            setPicked(id);
            setChosen(null);
          }}
          allowClear={false}
          placeholder={s.points.resultsPick}
          style={{ width: 240 }}
          aria-label={s.results.plan}
          data-testid="results-plan"
        />
        <DatePicker.RangePicker value={[dayjs(period[0]), dayjs(period[1])]} allowClear={false} onChange={(v) => v?.[0] && v[1] && setChosen([iso(v[0]), iso(v[1])])} aria-label={s.points.period} />
        {plan && <ModeTag mode={plan.mode} s={s} />}
      </div>
      <UnpublishedNotice plan={plan} s={s} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={10}>
          <Suspense fallback={mapFallback(360)}>
            <PointsMap points={points.data?.items ?? []} rates={rates} s={s} height={screens.md ? 360 : 280} testId="results-map" />
          </Suspense>
        </Col>
        <Col xs={24} xl={14}>
          <Row gutter={[16, 16]}>
            {/* Side by side below the map; stacked beside it (long unit names leave the bars no room). */}
            <Col xs={24} md={12} xl={24}>
              <Card size="small" title={s.points.byType}>
                <RateBars rows={results.data?.byType ?? []} testId="results-by-type" />
              </Card>
            </Col>
            <Col xs={24} md={12} xl={24}>
              <Card size="small" title={s.points.byUnit}>
                <RateBars rows={results.data?.byUnit ?? []} testId="results-by-unit" />
              </Card>
            </Col>
          </Row>
        </Col>
      </Row>
      <Card size="small" title={s.points.byPoint} style={{ marginTop: 16 }}>
        <RankingTable results={results.data} kind="simulated" loading={results.isFetching} s={s} />
      </Card>
    </>
  );
}

/** 考察点位: the places national assessors visit, their types, and the simulated assessments' results. */
export default function AssessmentPointsPage() {
  const s = useInspectionStrings();
  const { can } = useAuth();
  const canEdit = can('inspection.plan');
  const [params, setParams] = useSearchParams();
  const tab = (['points', 'types', 'results'] as const).find((k) => k === params.get('tab')) ?? 'points';
  return (
    <>
      <PageHeader title={s.points.title} />
      <Card>
        <Typography.Paragraph type="secondary">{s.points.intro}</Typography.Paragraph>
        <Tabs
          activeKey={tab}
          destroyOnHidden
          onChange={(k) =>
            setParams(
              (p) => {
                p.set('tab', k);
                return p;
              },
              { replace: true },
            )
          }
          items={[
            { key: 'points', label: s.points.tabs.points, children: <PointsTab s={s} canEdit={canEdit} /> },
            { key: 'types', label: s.points.tabs.types, children: <TypesTab s={s} canEdit={canEdit} /> },
            { key: 'results', label: s.points.tabs.results, children: <ResultsTab s={s} /> },
          ]}
          data-testid="points-tabs"
        />
      </Card>
    </>
  );
}
