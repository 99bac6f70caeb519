import { lazy, Suspense, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Col, Form, Grid, Input, InputNumber, Modal, Popconfirm, Row, Select, Skeleton, Space, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, CloseOutlined, DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ROUTING_STEPS, type MapSettings, type RoutingStep } from '@cc/domain';
import { useMapSettings, useRoutingRules, useSettingsMutations, type RoutingRule } from '../api/map';
import { PageHeader } from '../components/PageHeader';
import { QueryError } from '../components/QueryError';
import { isApiError } from '../lib/errors';
import { useReportError } from '../lib/useReportError';

const GeoPreview = lazy(() => import('../map/GeoPreview'));
const CATEGORY_PATTERN = /^[A-Za-z0-9_.-]{1,32}$/;

/** An ordered list of routing steps: the first that finds a responsible unit wins. */
function StepsEditor({ value = [], onChange, id }: { value?: RoutingStep[]; onChange?: (v: RoutingStep[]) => void; id?: string }) {
  const { t } = useTranslation();
  const rest = ROUTING_STEPS.filter((s) => !value.includes(s));
  const move = (i: number, d: -1 | 1) => {
    const next = [...value];
    [next[i], next[i + d]] = [next[i + d]!, next[i]!];
    onChange?.(next);
  };
  return (
    <div id={id} className="cc-steps-editor">
      <ol className="cc-steps-editor__list">
        {value.map((s, i) => (
          <li key={s} className="cc-steps-editor__item">
            <span className="cc-steps-editor__n">{i + 1}</span>
            <span className="cc-steps-editor__name">{t(`map.steps.${s}`)}</span>
            <Space size={0}>
              <Button type="text" size="small" icon={<ArrowUpOutlined />} disabled={i === 0} onClick={() => move(i, -1)} aria-label={t('settings.moveUp')} title={t('settings.moveUp')} />
              <Button
                type="text"
                size="small"
                icon={<ArrowDownOutlined />}
                disabled={i === value.length - 1}
                onClick={() => move(i, 1)}
                aria-label={t('settings.moveDown')}
                title={t('settings.moveDown')}
              />
              <Button
                type="text"
                size="small"
                danger
                icon={<CloseOutlined />}
                disabled={value.length === 1}
                onClick={() => onChange?.(value.filter((x) => x !== s))}
                aria-label={t('settings.removeStep')}
                title={t('settings.removeStep')}
              />
            </Space>
          </li>
        ))}
      </ol>
      {rest.length > 0 && (
        <Select<RoutingStep>
          size="small"
          style={{ width: 200 }}
          placeholder={t('settings.addStep')}
          value={null as unknown as RoutingStep}
          onChange={(s) => s && onChange?.([...value, s])}
          options={rest.map((s) => ({ value: s, label: t(`map.steps.${s}`) }))}
          aria-label={t('settings.addStep')}
        />
      )}
    </div>
  );
}

const stepsText = (steps: readonly string[], t: (k: `map.steps.${RoutingStep}`) => string) =>
  steps.map((s) => ((ROUTING_STEPS as readonly string[]).includes(s) ? t(`map.steps.${s as RoutingStep}`) : s)).join(' → ');

function MapSettingsCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useReportError();
  const screens = Grid.useBreakpoint();
  const settings = useMapSettings();
  const { saveMap } = useSettingsMutations();
  const [form] = Form.useForm<MapSettings>();
  const center = Form.useWatch('mapCenter', form);

  useEffect(() => {
    if (settings.data) form.setFieldsValue(settings.data);
  }, [settings.data, form]);

  const onSave = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    try {
      await saveMap.mutateAsync({ ...v, frontageDuties: v.frontageDuties.map((d) => d.trim()).filter(Boolean) });
      void message.success(t('common.saved'));
    } catch (err) {
      report(err, form, { fields: ['frontageDuties', 'frontageRadiusM', 'segmentRadiusM', 'contractExpiryWarningDays', 'defaultRouting', 'mapCenter'] });
    }
  };

  if (settings.isError) return <QueryError error={settings.error} onRetry={() => void settings.refetch()} />;
  return (
    <Card
      title={t('settings.mapTitle')}
      extra={
        <Button type="primary" onClick={onSave} loading={saveMap.isPending} disabled={!settings.data} data-testid="settings-save">
          {t('common.save')}
        </Button>
      }
    >
      {!settings.data ? (
        <Skeleton active />
      ) : (
        <Form<MapSettings> form={form} layout="vertical" data-testid="map-settings-form">
          <Row gutter={24}>
            <Col xs={24} lg={12}>
              <Form.Item
                name="frontageDuties"
                label={t('settings.duties')}
                extra={t('settings.dutiesHint')}
                rules={[
                  { required: true, type: 'array', min: 1, max: 10, message: t('settings.dutiesCount') },
                  {
                    validator: (_, v: string[] | undefined) =>
                      (v ?? []).every((d) => d.trim().length > 0 && d.trim().length <= 16) ? Promise.resolve() : Promise.reject(new Error(t('settings.dutyTooLong'))),
                  },
                ]}
              >
                <Select mode="tags" open={false} suffixIcon={null} tokenSeparators={[',', '，', '、', ' ']} placeholder={t('settings.dutiesPlaceholder')} />
              </Form.Item>
              <Row gutter={12}>
                <Col xs={24} sm={8}>
                  <Form.Item name="frontageRadiusM" label={t('settings.frontageRadius')} rules={[{ required: true, type: 'integer', min: 1, max: 500, message: t('settings.radiusRange') }]}>
                    <InputNumber suffix={t('settings.m')} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={8}>
                  <Form.Item name="segmentRadiusM" label={t('settings.segmentRadius')} rules={[{ required: true, type: 'integer', min: 1, max: 500, message: t('settings.radiusRange') }]}>
                    <InputNumber suffix={t('settings.m')} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col xs={24} sm={8}>
                  <Form.Item
                    name="contractExpiryWarningDays"
                    label={t('settings.warningDays')}
                    rules={[{ required: true, type: 'integer', min: 0, max: 365, message: t('settings.daysRange') }]}
                  >
                    <InputNumber suffix={t('settings.days')} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item name="defaultRouting" label={t('settings.defaultRouting')} extra={t('settings.defaultRoutingHint')} rules={[{ required: true, type: 'array', min: 1 }]}>
                <StepsEditor />
              </Form.Item>
            </Col>
            <Col xs={24} lg={12}>
              <Typography.Text strong>{t('settings.mapCenter')}</Typography.Text>
              <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
                {t('settings.mapCenterHint')}
              </Typography.Paragraph>
              <Row gutter={8}>
                <Col span={9}>
                  <Form.Item name={['mapCenter', 'lng']} label={t('units.lng')} rules={[{ required: true, type: 'number', min: -180, max: 180, message: t('units.lngRange') }]}>
                    <InputNumber step={0.001} precision={6} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col span={9}>
                  <Form.Item name={['mapCenter', 'lat']} label={t('units.lat')} rules={[{ required: true, type: 'number', min: -90, max: 90, message: t('units.latRange') }]}>
                    <InputNumber step={0.001} precision={6} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col span={6}>
                  <Form.Item name={['mapCenter', 'zoom']} label={t('settings.zoom')} rules={[{ required: true, type: 'integer', min: 1, max: 20, message: t('settings.zoomRange') }]}>
                    <InputNumber style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
              </Row>
              <Suspense fallback={<div className="cc-map cc-map--plain" style={{ height: 240 }} />}>
                {center && Number.isFinite(center.lng) && Number.isFinite(center.lat) && (
                  <GeoPreview
                    label={t('settings.mapCenter')}
                    shapes={[]}
                    pin={{ lng: center.lng, lat: center.lat }}
                    fitKey={`${center.lng},${center.lat}`}
                    height={screens.md ? 260 : 200}
                    onPick={([lng, lat]) => form.setFieldsValue({ mapCenter: { ...center, lng, lat } })}
                  />
                )}
              </Suspense>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('map.pickHint')}
              </Typography.Text>
            </Col>
          </Row>
        </Form>
      )}
    </Card>
  );
}

function RoutingRulesCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useReportError();
  const rules = useRoutingRules();
  const { saveRule, deleteRule } = useSettingsMutations();
  const [editing, setEditing] = useState<RoutingRule | 'new' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<{ category: string; steps: RoutingStep[] }>();

  const open = (r: RoutingRule | 'new') => {
    form.resetFields();
    setError(null);
    form.setFieldsValue(r === 'new' ? { category: '', steps: ['frontage', 'segment_cover', 'zone', 'community'] } : { category: r.categoryCode, steps: r.steps });
    setEditing(r);
  };
  const onSave = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    try {
      await saveRule.mutateAsync({ category: v.category.trim(), steps: v.steps });
      void message.success(t('common.saved'));
      setEditing(null);
    } catch (err) {
      if (isApiError(err, 'VALIDATION_FAILED')) setError((err as Error).message);
      report(err, form, { fields: ['category', 'steps'] });
    }
  };

  const columns: TableColumnsType<RoutingRule> = [
    {
      title: t('settings.category'),
      dataIndex: 'categoryCode',
      render: (c: string) => <Typography.Text code>{c}</Typography.Text>,
    },
    { title: t('settings.steps'), dataIndex: 'steps', render: (s: string[]) => stepsText(s, t) },
    {
      title: t('common.actions'),
      key: 'a',
      width: 90,
      render: (_, r) => (
        <Space size={0}>
          <Button type="link" size="small" icon={<EditOutlined />} onClick={() => open(r)} aria-label={t('common.edit')} title={t('common.edit')} />
          <Popconfirm title={t('settings.deleteRuleConfirm')} onConfirm={() => deleteRule.mutateAsync(r.categoryCode).catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)))}>
            <Button type="link" size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} title={t('common.delete')} />
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <Card
      title={t('settings.routingTitle')}
      style={{ marginTop: 16 }}
      extra={
        <Button icon={<PlusOutlined />} onClick={() => open('new')}>
          {t('settings.addRule')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('settings.routingIntro')}</Typography.Paragraph>
      {rules.isError ? (
        <QueryError error={rules.error} onRetry={() => void rules.refetch()} />
      ) : (
        <Table<RoutingRule>
          rowKey="categoryCode"
          size="small"
          columns={columns}
          dataSource={rules.data?.items ?? []}
          loading={rules.isLoading}
          pagination={false}
          scroll={{ x: 'max-content' }}
          data-testid="routing-rules"
        />
      )}
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('settings.addRule') : t('settings.editRule')}
        okText={t('common.save')}
        onOk={onSave}
        confirmLoading={saveRule.isPending}
        onCancel={() => setEditing(null)}
        forceRender
      >
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical">
          <Form.Item
            name="category"
            label={t('settings.category')}
            extra={t('settings.categoryHint')}
            rules={[
              { required: true, message: t('settings.categoryRequired') },
              { validator: (_, v: string | undefined) => (!v || CATEGORY_PATTERN.test(v.trim()) ? Promise.resolve() : Promise.reject(new Error(t('settings.categoryRule')))) },
            ]}
          >
            <Input maxLength={32} disabled={editing !== 'new'} />
          </Form.Item>
          <Form.Item name="steps" label={t('settings.steps')} rules={[{ required: true, type: 'array', min: 1 }]}>
            <StepsEditor />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

/** 系统设置 → 责任地图设置: the city's map settings and its case routing rules. */
export default function SettingsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('settings.title')} />
      <MapSettingsCard />
      <RoutingRulesCard />
    </>
  );
}
