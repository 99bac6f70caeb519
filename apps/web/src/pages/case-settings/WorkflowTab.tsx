import { useEffect } from 'react';
import { App, Button, Card, Checkbox, Col, Form, Input, InputNumber, Row, Skeleton, Space, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { CASE_SOURCE_LABELS, CASE_SOURCES, type CaseSettings } from '@cc/domain';
import { useCaseSettings, useSaveCaseSettings } from '../../api/caseSettings';
import { QueryError } from '../../components/QueryError';
import { useLanguage } from '../../i18n';
import { useReportError } from '../../lib/useReportError';
import { topLevelFields } from './common';
import { fill, type CaseSettingsStrings } from './strings';
import { cityDay } from '../../lib/time';

type FormValues = Omit<CaseSettings, 'officeHours'>;
const FIELDS = [
  'autoAssignSources',
  'duplicateRadiusM',
  'duplicateWindowHours',
  'escalationStepsHours',
  'recheckAfterDays',
  'recheckSamplePercent',
  'recheckDueDays',
  'slipNumberFormat',
  'urgingNumberFormat',
  'issuer',
  'citizenReportsPerHour',
];

/** A document number as the server makes it: {year} and {seq} replaced (e.g. 创城交〔2026〕12号). */
export const docNumber = (format: string | undefined, year: number, seq: number) =>
  (format ?? '').replaceAll('{year}', String(year)).replaceAll('{seq}', String(seq));

function NumberPreview({ format, s }: { format: string | undefined; s: CaseSettingsStrings }) {
  const year = cityDay().year();
  if (!format?.includes('{seq}')) return null;
  return (
    <Typography.Text type="secondary" data-testid="doc-number-preview">
      {s.flow.preview}
      <Typography.Text strong>{docNumber(format, year, 12)}</Typography.Text>
    </Typography.Text>
  );
}

/** 流程设置: intake, duplicates, escalation, re-checks, document numbers, the citizen limit. */
export function WorkflowTab({ s, canEdit }: { s: CaseSettingsStrings; canEdit: boolean }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const { message } = App.useApp();
  const report = useReportError();
  const settings = useCaseSettings();
  const save = useSaveCaseSettings();
  const [form] = Form.useForm<FormValues>();
  const slip = Form.useWatch('slipNumberFormat', form);
  const urging = Form.useWatch('urgingNumberFormat', form);

  useEffect(() => {
    if (settings.data) {
      const { officeHours: _hours, ...rest } = settings.data;
      form.setFieldsValue(rest);
    }
  }, [settings.data, form]);

  const onSave = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v || !settings.data) return;
    try {
      await save.mutateAsync({ ...settings.data, ...v, slipNumberFormat: v.slipNumberFormat.trim(), urgingNumberFormat: v.urgingNumberFormat.trim(), issuer: v.issuer.trim() });
      void message.success(t('common.saved'));
    } catch (err) {
      report(topLevelFields(err), form, { fields: FIELDS });
    }
  };

  const int = (min: number, max: number) => [{ required: true, type: 'integer' as const, min, max, message: fill(s.flow.range, { min, max }) }];
  const format = [
    { required: true, whitespace: true, message: s.flow.formatRule },
    { validator: (_: unknown, v: string | undefined) => (!v || v.includes('{seq}') ? Promise.resolve() : Promise.reject(new Error(s.flow.formatRule))) },
    { max: 40 },
  ];

  if (settings.isError) return <QueryError error={settings.error} onRetry={() => void settings.refetch()} />;
  if (!settings.data) return <Skeleton active />;
  return (
    <Form<FormValues> form={form} layout="vertical" disabled={!canEdit} data-testid="workflow-form">
      <Card title={s.flow.intake}>
        <Form.Item name="autoAssignSources" label={s.flow.autoAssign} extra={s.flow.autoAssignHint}>
          <Checkbox.Group options={CASE_SOURCES.map((c) => ({ value: c, label: CASE_SOURCE_LABELS[c][lang] }))} />
        </Form.Item>
        <Typography.Text strong>{s.flow.duplicates}</Typography.Text>
        <Row gutter={16} style={{ marginTop: 8 }}>
          <Col xs={12} md={6}>
            <Form.Item name="duplicateRadiusM" label={s.flow.duplicateRadius} rules={int(1, 1000)}>
              <InputNumber suffix={s.flow.m} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name="duplicateWindowHours" label={s.flow.duplicateWindow} rules={int(1, 24 * 90)}>
              <InputNumber suffix={s.flow.h} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Text type="secondary">{s.flow.duplicateHint}</Typography.Text>
      </Card>

      <Card title={s.flow.escalation} style={{ marginTop: 16 }}>
        <Typography.Paragraph type="secondary">{s.flow.escalationHint}</Typography.Paragraph>
        <Form.List
          name="escalationStepsHours"
          rules={[
            {
              validator: async (_, xs: (number | null)[] | undefined) => {
                const v = (xs ?? []).filter((x): x is number => typeof x === 'number');
                if (v.some((x, i) => i > 0 && x <= v[i - 1]!)) throw new Error(s.flow.escalationOrder);
              },
            },
          ]}
        >
          {(fields, { add, remove }, { errors }) => (
            <>
              {fields.map((f, i) => (
                <Space key={f.key} align="baseline" style={{ display: 'flex', marginBottom: 4 }}>
                  <span style={{ minWidth: 120, display: 'inline-block' }}>{fill(s.flow.escalationStep, { n: i + 1 })}</span>
                  <Form.Item name={f.name} rules={int(0, 24 * 365)} style={{ margin: 0 }}>
                    <InputNumber style={{ width: 110 }} aria-label={fill(s.flow.escalationStep, { n: i + 1 })} />
                  </Form.Item>
                  <span>{s.flow.escalationAfter}</span>
                  {canEdit && fields.length > 1 && <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('common.delete')} />}
                </Space>
              ))}
              <Form.Item style={{ margin: 0 }}>
                <Form.ErrorList errors={errors} />
              </Form.Item>
              {canEdit && fields.length < 5 && (
                <Button icon={<PlusOutlined />} onClick={() => add(((form.getFieldValue('escalationStepsHours') as number[] | undefined)?.at(-1) ?? 0) + 48)} style={{ marginTop: 8 }}>
                  {s.flow.escalationAdd}
                </Button>
              )}
            </>
          )}
        </Form.List>
      </Card>

      <Card title={s.flow.recheck} style={{ marginTop: 16 }}>
        <Typography.Paragraph type="secondary">{s.flow.recheckHint}</Typography.Paragraph>
        <Row gutter={16}>
          <Col xs={24} sm={8}>
            <Form.Item name="recheckAfterDays" label={s.flow.recheckAfter} rules={int(1, 365)}>
              <InputNumber suffix={s.flow.d} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={12} sm={8}>
            <Form.Item name="recheckSamplePercent" label={s.flow.recheckSample} rules={int(0, 100)}>
              <InputNumber suffix={s.flow.pct} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={12} sm={8}>
            <Form.Item name="recheckDueDays" label={s.flow.recheckDue} rules={int(1, 60)}>
              <InputNumber suffix={s.flow.d} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
      </Card>

      <Card title={s.flow.documents} style={{ marginTop: 16 }}>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="slipNumberFormat" label={s.flow.slipFormat} extra={s.flow.formatHint} rules={format}>
              <Input maxLength={40} data-testid="slip-format" />
            </Form.Item>
            <div style={{ marginTop: -12, marginBottom: 16 }}>
              <NumberPreview format={slip} s={s} />
            </div>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="urgingNumberFormat" label={s.flow.urgingFormat} extra={s.flow.formatHint} rules={format}>
              <Input maxLength={40} />
            </Form.Item>
            <div style={{ marginTop: -12, marginBottom: 16 }}>
              <NumberPreview format={urging} s={s} />
            </div>
          </Col>
        </Row>
        <Form.Item name="issuer" label={s.flow.issuer} extra={s.flow.issuerHint} rules={[{ required: true, whitespace: true }, { max: 60 }]}>
          <Input maxLength={60} />
        </Form.Item>
      </Card>

      <Card title={s.flow.citizen} style={{ marginTop: 16 }}>
        <Form.Item name="citizenReportsPerHour" label={s.flow.citizenPerHour} extra={s.flow.citizenPerHourHint} rules={int(1, 1000)}>
          <InputNumber suffix={s.flow.perHour} style={{ width: 200 }} />
        </Form.Item>
      </Card>

      {canEdit && (
        <div
          style={{ position: 'sticky', bottom: 0, zIndex: 2, marginTop: 16, padding: '10px 16px', background: '#fff', borderRadius: 8, boxShadow: '0 -2px 8px rgba(0, 0, 0, 0.08)' }}
        >
          <Button type="primary" onClick={() => void onSave()} loading={save.isPending} disabled={false} data-testid="workflow-save">
            {t('common.save')}
          </Button>
        </div>
      )}
    </Form>
  );
}
