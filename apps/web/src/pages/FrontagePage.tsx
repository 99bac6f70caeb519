import { useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Descriptions,
  Drawer,
  Empty,
  Form,
  Grid,
  Input,
  InputNumber,
  Modal,
  Radio,
  Select,
  Skeleton,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { ButtonProps, TableColumnsType } from 'antd';
import {
  AuditOutlined,
  CheckCircleFilled,
  CloseCircleFilled,
  DownloadOutlined,
  EditOutlined,
  EnvironmentOutlined,
  FileProtectOutlined,
  PlusOutlined,
  ReloadOutlined,
  StopOutlined,
} from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { DEFAULT_FRONTAGE_DUTIES, PHONE_PATTERN, addDays, type FrontageCheckView, type FrontageContractView } from '@cc/domain';
import {
  contractFileUrl,
  useFrontageChecks,
  useFrontageContract,
  useFrontageContracts,
  useFrontageMutations,
  type FrontageQuery,
  type FrontageStatus,
  type StoredFile,
} from '../api/frontage';
import { useMapSettings } from '../api/map';
import { useAuth } from '../app/auth';
import { ImportExportButtons } from '../components/ImportExportButtons';
import { PageHeader } from '../components/PageHeader';
import { PagedTable } from '../components/PagedTable';
import { QueryError } from '../components/QueryError';
import { RegionTreeSelect } from '../components/RegionTreeSelect';
import { ScanUpload } from '../components/ScanUpload';
import { UnitSelect } from '../components/UnitSelect';
import { isApiError } from '../lib/errors';
import { useReportError } from '../lib/useReportError';
import { cityDay } from '../lib/time';
import { positiveInt as num, useQueryParams, pageOf } from '../lib/useQueryParams';

const DATE = 'YYYY-MM-DD';
const STATUSES = ['active', 'expiring', 'expired', 'ended'] as const satisfies readonly FrontageStatus[];
const STATUS_COLOR: Record<FrontageStatus, string> = { active: 'green', expiring: 'orange', expired: 'red', ended: 'default' };
const text = (v: string | undefined) => (v && v.trim() ? v.trim() : null);
const day = (d: Dayjs | null | undefined) => (d ? d.format(DATE) : null);

function StatusTag({ status }: { status: FrontageStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="frontage-status" data-status={status}>
      {t(`frontage.status.${status}`)}
    </Tag>
  );
}

/** The city's list of duties (门前三包/四包/五包), from the map settings. */
function useDuties(): string[] {
  const { can } = useAuth();
  const settings = useMapSettings(can('map.read'));
  return settings.data?.frontageDuties ?? [...DEFAULT_FRONTAGE_DUTIES];
}
function useWarningDays(): number {
  const { can } = useAuth();
  return useMapSettings(can('map.read')).data?.contractExpiryWarningDays ?? 30;
}

interface SignValues {
  shopUnitId?: number;
  duties: string[];
  signedOn?: Dayjs;
  signerName: string;
  responsibleName?: string;
  responsiblePhone?: string;
  platePosted: boolean;
  validFrom?: Dayjs;
  expiresOn?: Dayjs | null;
  scan?: StoredFile | null;
}
interface RenewValues {
  signedOn?: Dayjs;
  signerName: string;
  validFrom?: Dayjs;
  expiresOn?: Dayjs | null;
  duties: string[];
  platePosted: boolean;
  scan?: StoredFile | null;
}
interface EditValues {
  duties: string[];
  platePosted: boolean;
  responsibleName?: string;
  responsiblePhone?: string;
  expiresOn?: Dayjs | null;
}
interface CheckValues {
  checkedOn?: Dayjs;
  passed: boolean;
  failedDuties: string[];
  penaltyYuan?: number | null;
  note?: string;
}
interface EndValues {
  validTo?: Dayjs;
}

type Dialog = 'edit' | 'renew' | 'end' | 'check' | null;

/** Detail of one contract: particulars, scan, checks, and the actions the server allows. */
function ContractDrawer({ id, onClose }: { id: number | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useReportError();
  const navigate = useNavigate();
  const [, setParams] = useSearchParams();
  const screens = Grid.useBreakpoint();
  const { can } = useAuth();
  const duties = useDuties();
  const contract = useFrontageContract(id);
  const checks = useFrontageChecks(id);
  const m = useFrontageMutations();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [editForm] = Form.useForm<EditValues>();
  const [renewForm] = Form.useForm<RenewValues>();
  const [checkForm] = Form.useForm<CheckValues>();
  const [endForm] = Form.useForm<EndValues>();
  const c = contract.data;
  const today = cityDay().format(DATE);
  const passed = Form.useWatch('passed', checkForm);

  useEffect(() => {
    setDialog(null);
  }, [id]);

  const fail = (err: unknown, form: Parameters<typeof report>[1], fields: string[]) => {
    if (isApiError(err, 'CONFLICT')) {
      void message.warning(t('errors.conflict'));
      setDialog(null);
      void contract.refetch();
      return;
    }
    if (isApiError(err, 'ASSIGNMENT_OVERLAP') || isApiError(err, 'ASSIGNMENT_ENDED')) {
      setDialogError((err as Error).message);
      return;
    }
    report(err, form, { fields, codeFields: { PERIOD_INVALID: fields.includes('validFrom') ? 'validFrom' : fields.includes('expiresOn') ? 'expiresOn' : 'validTo' } });
  };

  const open = (d: Exclude<Dialog, null>) => {
    if (!c) return;
    setDialogError(null);
    if (d === 'edit') {
      editForm.resetFields();
      editForm.setFieldsValue({
        duties: c.duties,
        platePosted: c.platePosted,
        responsibleName: c.responsibleName ?? '',
        responsiblePhone: c.responsiblePhone ?? '',
        expiresOn: c.expiresOn ? dayjs(c.expiresOn, DATE) : null,
      });
    } else if (d === 'renew') {
      renewForm.resetFields();
      const first = addDays(c.validFrom, 1);
      const from = dayjs(today > first ? today : first, DATE);
      renewForm.setFieldsValue({
        signedOn: cityDay(),
        signerName: c.signerName,
        validFrom: from,
        expiresOn: from.add(1, 'year').subtract(1, 'day'),
        duties: c.duties,
        platePosted: c.platePosted,
        scan: null,
      });
    } else if (d === 'check') {
      checkForm.resetFields();
      checkForm.setFieldsValue({ checkedOn: cityDay(), passed: true, failedDuties: [], penaltyYuan: null });
    } else {
      endForm.resetFields();
      endForm.setFieldsValue({ validTo: dayjs(today > c.validFrom ? today : c.validFrom, DATE) });
    }
    setDialog(d);
  };

  const onEdit = async () => {
    if (!c) return;
    const v = await editForm.validateFields().catch(() => null);
    if (!v) return;
    try {
      await m.update.mutateAsync({
        id: c.id,
        body: {
          duties: v.duties,
          platePosted: v.platePosted,
          responsibleName: text(v.responsibleName),
          responsiblePhone: text(v.responsiblePhone),
          expiresOn: day(v.expiresOn),
          version: c.version,
        },
      });
      void message.success(t('common.saved'));
      setDialog(null);
    } catch (err) {
      fail(err, editForm, ['duties', 'platePosted', 'responsibleName', 'responsiblePhone', 'expiresOn']);
    }
  };

  const onRenew = async () => {
    if (!c) return;
    const v = await renewForm.validateFields().catch(() => null);
    if (!v) return;
    setDialogError(null);
    try {
      const renewed = await m.renew.mutateAsync({
        id: c.id,
        body: {
          signedOn: day(v.signedOn)!,
          signerName: v.signerName.trim(),
          validFrom: day(v.validFrom)!,
          expiresOn: day(v.expiresOn),
          duties: v.duties,
          platePosted: v.platePosted,
          contractFileId: v.scan?.id ?? null,
          version: c.version,
        },
      });
      void message.success(t('frontage.renewedOk'));
      setDialog(null);
      setParams((p) => {
        const next = new URLSearchParams(p);
        next.set('id', String(renewed.id));
        return next;
      });
    } catch (err) {
      fail(err, renewForm, ['signedOn', 'signerName', 'validFrom', 'expiresOn', 'duties', 'platePosted']);
    }
  };

  const onCheck = async () => {
    if (!c) return;
    const v = await checkForm.validateFields().catch(() => null);
    if (!v) return;
    try {
      await m.addCheck.mutateAsync({
        id: c.id,
        body: {
          checkedOn: day(v.checkedOn)!,
          passed: v.passed,
          failedDuties: v.passed ? [] : v.failedDuties,
          penaltyYuan: v.passed ? null : (v.penaltyYuan ?? null),
          note: text(v.note),
        },
      });
      void message.success(t('frontage.checkSaved'));
      setDialog(null);
    } catch (err) {
      fail(err, checkForm, ['checkedOn', 'passed', 'failedDuties', 'penaltyYuan', 'note']);
    }
  };

  const onEnd = async () => {
    if (!c) return;
    const v = await endForm.validateFields().catch(() => null);
    if (!v) return;
    try {
      await m.end.mutateAsync({ id: c.id, body: { validTo: day(v.validTo)!, version: c.version } });
      void message.success(t('frontage.endedOk'));
      setDialog(null);
    } catch (err) {
      fail(err, endForm, ['validTo']);
    }
  };

  const onScan = async (file: StoredFile | null) => {
    if (!c || !file) return;
    try {
      await m.update.mutateAsync({ id: c.id, body: { contractFileId: file.id, version: c.version } });
      void message.success(t('frontage.scanSaved'));
    } catch (err) {
      fail(err, undefined, []);
    }
  };

  const checkColumns: TableColumnsType<FrontageCheckView> = [
    { title: t('frontage.checkedOn'), dataIndex: 'checkedOn', width: 110 },
    {
      title: t('frontage.result'),
      key: 'result',
      render: (_, k) =>
        k.passed ? (
          <Tag color="green" icon={<CheckCircleFilled />}>
            {t('frontage.passed')}
          </Tag>
        ) : (
          <div>
            <Tag color="red" icon={<CloseCircleFilled />}>
              {t('frontage.failed')}
            </Tag>
            {k.failedDuties.length > 0 && <div>{t('frontage.failedDutiesList', { duties: k.failedDuties.join('、') })}</div>}
          </div>
        ),
    },
    {
      title: t('frontage.penalty'),
      dataIndex: 'penaltyYuan',
      align: 'right',
      render: (v: number | null) => (v ? t('frontage.yuan', { n: v }) : t('common.none')),
    },
    { title: t('frontage.note'), dataIndex: 'note', render: (v: string | null) => v ?? t('common.none') },
  ];

  const dialogAlert = dialogError && <Alert type="error" showIcon title={dialogError} style={{ marginBottom: 16 }} data-testid="frontage-dialog-error" />;
  const dutyOptions = (list: string[]) => list.map((d) => ({ value: d, label: d }));

  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      size={screens.md ? 640 : '100%'}
      title={c ? c.shop.name : t('frontage.detail')}
      data-testid="frontage-detail"
      extra={c && <StatusTag status={c.status} />}
    >
      {contract.isError ? (
        <QueryError error={contract.error} onRetry={() => void contract.refetch()} />
      ) : !c ? (
        <Skeleton active />
      ) : (
        <>
          <Space wrap style={{ marginBottom: 16 }} data-testid="frontage-actions">
            {c.actions.includes('check') && (
              <Button type="primary" icon={<AuditOutlined />} onClick={() => open('check')} data-testid="frontage-check">
                {t('frontage.recordCheck')}
              </Button>
            )}
            {c.actions.includes('renew') && (
              <Button icon={<ReloadOutlined />} onClick={() => open('renew')} data-testid="frontage-renew">
                {t('frontage.renew')}
              </Button>
            )}
            {c.actions.includes('update') && (
              <Button icon={<EditOutlined />} onClick={() => open('edit')}>
                {t('common.edit')}
              </Button>
            )}
            {c.actions.includes('end') && (
              <Button danger icon={<StopOutlined />} onClick={() => open('end')}>
                {t('frontage.end')}
              </Button>
            )}
            {c.shop.lng !== null && c.shop.lat !== null && can('map.read') && (
              <Button type="link" icon={<EnvironmentOutlined />} onClick={() => navigate(`/map?lng=${c.shop.lng}&lat=${c.shop.lat}`)}>
                {t('frontage.onMap')}
              </Button>
            )}
          </Space>
          {c.status === 'expiring' && <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t('frontage.expiringOn', { date: c.expiresOn })} />}
          {c.status === 'expired' && <Alert type="error" showIcon style={{ marginBottom: 12 }} title={t('frontage.expiredOn', { date: c.expiresOn })} />}
          <Descriptions
            size="small"
            bordered
            column={1}
            items={[
              { key: 'address', label: t('frontage.address'), children: c.shop.address ?? t('common.none') },
              {
                key: 'duties',
                label: t('frontage.duties'),
                children: (
                  <Space size={[4, 4]} wrap>
                    {c.duties.map((d) => (
                      <Tag key={d} color="green" variant="filled">
                        {d}
                      </Tag>
                    ))}
                  </Space>
                ),
              },
              { key: 'signed', label: t('frontage.signed'), children: t('frontage.signedBy', { date: c.signedOn, name: c.signerName }) },
              {
                key: 'resp',
                label: t('frontage.responsible'),
                children: [c.responsibleName, c.responsiblePhone].filter(Boolean).join(' · ') || t('common.none'),
              },
              {
                key: 'period',
                label: t('frontage.period'),
                children: `${c.validFrom} ~ ${c.validTo ?? t('assignments.openEnded')}`,
              },
              { key: 'expires', label: t('frontage.expiresOn'), children: c.expiresOn ?? t('frontage.noExpiry') },
              {
                key: 'plate',
                label: t('frontage.plate'),
                children: c.platePosted ? <Tag color="green">{t('frontage.platePosted')}</Tag> : <Tag color="orange">{t('frontage.plateMissing')}</Tag>,
              },
              {
                key: 'scan',
                label: t('frontage.scan'),
                children: (
                  <Space direction="vertical" size={4}>
                    {c.contractFileId ? (
                      <Button type="link" size="small" icon={<DownloadOutlined />} href={contractFileUrl(c.id)} target="_blank" rel="noopener" style={{ paddingInline: 0 }} data-testid="scan-download">
                        {t('frontage.downloadScan')}
                      </Button>
                    ) : (
                      <Typography.Text type="secondary">{t('frontage.noScan')}</Typography.Text>
                    )}
                    {c.actions.includes('update') && <ScanUpload value={null} onChange={(f) => void onScan(f)} label={c.contractFileId ? t('frontage.replaceScan') : t('frontage.uploadScan')} />}
                  </Space>
                ),
              },
              ...(c.renewedFromId
                ? [
                    {
                      key: 'renewed',
                      label: t('frontage.renewedFrom'),
                      children: (
                        <Typography.Link
                          onClick={() =>
                            setParams((p) => {
                              const next = new URLSearchParams(p);
                              next.set('id', String(c.renewedFromId));
                              return next;
                            })
                          }
                        >
                          {t('frontage.previousContract')}
                        </Typography.Link>
                      ),
                    },
                  ]
                : []),
            ]}
          />
          <Typography.Title level={5} style={{ marginTop: 20 }}>
            {t('frontage.checks', { count: c.checks, failed: c.failedChecks })}
          </Typography.Title>
          {checks.isError ? (
            <QueryError error={checks.error} onRetry={() => void checks.refetch()} />
          ) : (
            <Table<FrontageCheckView>
              rowKey="id"
              size="small"
              columns={checkColumns}
              dataSource={checks.data?.items ?? []}
              loading={checks.isLoading}
              pagination={{ pageSize: 10, hideOnSinglePage: true, size: 'small' }}
              locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('frontage.noChecks')} /> }}
              scroll={{ x: 'max-content' }}
              data-testid="frontage-checks"
            />
          )}

          <Modal
            open={dialog === 'check'}
            title={t('frontage.recordCheckTitle', { shop: c.shop.name })}
            okText={t('common.save')}
            okButtonProps={{ 'data-testid': 'check-save' } as ButtonProps}
            confirmLoading={m.addCheck.isPending}
            onOk={onCheck}
            onCancel={() => setDialog(null)}
            forceRender
          >
            <Form<CheckValues> form={checkForm} name="check" layout="vertical" data-testid="check-form">
              <Form.Item name="checkedOn" label={t('frontage.checkedOn')} rules={[{ required: true, message: t('assignments.dateRequired') }]}>
                <DatePicker format={DATE} style={{ width: '100%' }} disabledDate={(d) => d.isAfter(cityDay(), 'day')} />
              </Form.Item>
              <Form.Item name="passed" label={t('frontage.result')}>
                <Radio.Group
                  optionType="button"
                  buttonStyle="solid"
                  data-testid="check-result"
                  options={[
                    { value: true, label: t('frontage.passed') },
                    { value: false, label: t('frontage.failed') },
                  ]}
                />
              </Form.Item>
              {passed === false && (
                <>
                  <Form.Item
                    name="failedDuties"
                    label={t('frontage.failedDuties')}
                    rules={[{ required: true, type: 'array', min: 1, message: t('frontage.failedDutiesRequired') }]}
                  >
                    <Checkbox.Group options={dutyOptions(c.duties)} data-testid="check-failed-duties" />
                  </Form.Item>
                  <Form.Item name="penaltyYuan" label={t('frontage.penaltyYuan')}>
                    <InputNumber min={0} max={1_000_000} precision={2} style={{ width: 200 }} />
                  </Form.Item>
                </>
              )}
              <Form.Item name="note" label={t('frontage.note')} rules={[{ max: 500 }]}>
                <Input.TextArea maxLength={500} autoSize={{ minRows: 2, maxRows: 4 }} placeholder={t('frontage.checkNotePlaceholder')} />
              </Form.Item>
            </Form>
          </Modal>

          <Modal
            open={dialog === 'renew'}
            title={t('frontage.renewTitle', { shop: c.shop.name })}
            okText={t('frontage.renew')}
            okButtonProps={{ 'data-testid': 'renew-save' } as ButtonProps}
            confirmLoading={m.renew.isPending}
            onOk={onRenew}
            onCancel={() => setDialog(null)}
            forceRender
          >
            {dialogAlert}
            <Typography.Paragraph type="secondary">{t('frontage.renewIntro', { from: c.validFrom })}</Typography.Paragraph>
            <Form<RenewValues> form={renewForm} name="renew" layout="vertical" requiredMark="optional" data-testid="renew-form">
              <Form.Item name="signedOn" label={t('frontage.signedOn')} rules={[{ required: true, message: t('assignments.dateRequired') }]}>
                <DatePicker format={DATE} style={{ width: '100%' }} />
              </Form.Item>
              <Form.Item name="signerName" label={t('frontage.signerName')} rules={[{ required: true, whitespace: true, message: t('frontage.signerRequired') }, { max: 64 }]}>
                <Input maxLength={64} />
              </Form.Item>
              <Form.Item
                name="validFrom"
                label={t('frontage.newFrom')}
                extra={t('frontage.newFromHint')}
                rules={[
                  { required: true, message: t('assignments.dateRequired') },
                  {
                    validator: (_, v: Dayjs | undefined) =>
                      !v || v.isAfter(dayjs(c.validFrom, DATE), 'day') ? Promise.resolve() : Promise.reject(new Error(t('frontage.newFromAfter', { from: c.validFrom }))),
                  },
                ]}
              >
                <DatePicker format={DATE} style={{ width: '100%' }} />
              </Form.Item>
              <Form.Item
                name="expiresOn"
                label={t('frontage.expiresOn')}
                dependencies={['validFrom']}
                rules={[
                  ({ getFieldValue }) => ({
                    validator: (_, v: Dayjs | null | undefined) => {
                      const from = getFieldValue('validFrom') as Dayjs | undefined;
                      return !v || !from || !v.isBefore(from, 'day') ? Promise.resolve() : Promise.reject(new Error(t('frontage.expiresBeforeFrom')));
                    },
                  }),
                ]}
              >
                <DatePicker format={DATE} style={{ width: '100%' }} />
              </Form.Item>
              <Form.Item name="duties" label={t('frontage.duties')} rules={[{ required: true, type: 'array', min: 1, message: t('frontage.dutiesRequired') }]}>
                <Checkbox.Group options={dutyOptions(duties)} />
              </Form.Item>
              <Form.Item name="platePosted" label={t('frontage.plate')} valuePropName="checked">
                <Switch checkedChildren={t('frontage.platePosted')} unCheckedChildren={t('frontage.plateMissing')} />
              </Form.Item>
              <Form.Item name="scan" label={t('frontage.scan')}>
                <ScanUpload />
              </Form.Item>
            </Form>
          </Modal>

          <Modal
            open={dialog === 'edit'}
            title={t('frontage.editTitle', { shop: c.shop.name })}
            okText={t('common.save')}
            confirmLoading={m.update.isPending}
            onOk={onEdit}
            onCancel={() => setDialog(null)}
            forceRender
          >
            {dialogAlert}
            <Form<EditValues> form={editForm} name="edit" layout="vertical" requiredMark="optional">
              <Form.Item name="duties" label={t('frontage.duties')} rules={[{ required: true, type: 'array', min: 1, message: t('frontage.dutiesRequired') }]}>
                <Checkbox.Group options={dutyOptions(duties)} />
              </Form.Item>
              <Form.Item name="platePosted" label={t('frontage.plate')} valuePropName="checked">
                <Switch checkedChildren={t('frontage.platePosted')} unCheckedChildren={t('frontage.plateMissing')} />
              </Form.Item>
              <Form.Item name="responsibleName" label={t('frontage.responsibleName')} rules={[{ max: 64 }]}>
                <Input maxLength={64} />
              </Form.Item>
              <Form.Item name="responsiblePhone" label={t('frontage.responsiblePhone')} rules={[{ pattern: new RegExp(PHONE_PATTERN), message: t('units.phoneInvalid') }]}>
                <Input maxLength={20} inputMode="tel" />
              </Form.Item>
              <Form.Item
                name="expiresOn"
                label={t('frontage.expiresOn')}
                rules={[
                  {
                    validator: (_, v: Dayjs | null | undefined) =>
                      !v || !v.isBefore(dayjs(c.validFrom, DATE), 'day') ? Promise.resolve() : Promise.reject(new Error(t('frontage.expiresBeforeFrom'))),
                  },
                ]}
              >
                <DatePicker format={DATE} style={{ width: '100%' }} />
              </Form.Item>
            </Form>
          </Modal>

          <Modal
            open={dialog === 'end'}
            title={t('frontage.endTitle', { shop: c.shop.name })}
            okText={t('frontage.end')}
            okButtonProps={{ danger: true }}
            confirmLoading={m.end.isPending}
            onOk={onEnd}
            onCancel={() => setDialog(null)}
            forceRender
          >
            {dialogAlert}
            <Typography.Paragraph>{t('frontage.endIntro')}</Typography.Paragraph>
            <Form<EndValues> form={endForm} name="end" layout="vertical">
              <Form.Item
                name="validTo"
                label={t('assignments.lastDay')}
                rules={[
                  { required: true, message: t('assignments.dateRequired') },
                  {
                    validator: (_, v: Dayjs | undefined) =>
                      !v || !v.isBefore(dayjs(c.validFrom, DATE), 'day') ? Promise.resolve() : Promise.reject(new Error(t('assignments.toBeforeFrom'))),
                  },
                ]}
              >
                <DatePicker format={DATE} style={{ width: '100%' }} />
              </Form.Item>
            </Form>
          </Modal>
        </>
      )}
    </Drawer>
  );
}

/**
 * 门前责任书: the register of frontage contracts (门前三包/五包) with their status, the expiry
 * warning, signing, re-signing, ending and the periodic checks.
 */
export default function FrontagePage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const report = useReportError();
  const screens = Grid.useBreakpoint();
  const duties = useDuties();
  const warningDays = useWarningDays();
  const { params, setQuery, resetQuery } = useQueryParams();
  const statusParam = params.get('status');
  const query: FrontageQuery = {
    q: params.get('q') ?? undefined,
    status: (STATUSES as readonly string[]).includes(statusParam ?? '') ? (statusParam as FrontageStatus) : undefined,
    regionId: num(params.get('regionId')),
    ...pageOf(params),
  };
  const list = useFrontageContracts(query);
  const expiring = useFrontageContracts({ status: 'expiring', pageSize: 1 });
  const expired = useFrontageContracts({ status: 'expired', pageSize: 1 });
  const { create } = useFrontageMutations();
  const [searchText, setSearchText] = useState(query.q ?? '');
  const [signing, setSigning] = useState(false);
  const [signError, setSignError] = useState<string | null>(null);
  const [form] = Form.useForm<SignValues>();
  const detailId = num(params.get('id')) ?? null;

  useEffect(() => setSearchText(params.get('q') ?? ''), [params]);

  const openSign = () => {
    form.resetFields();
    const from = cityDay();
    form.setFieldsValue({ duties, signedOn: from, validFrom: from, expiresOn: from.add(1, 'year').subtract(1, 'day'), platePosted: false, scan: null });
    setSignError(null);
    setSigning(true);
  };
  const onSign = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setSignError(null);
    try {
      const created = await create.mutateAsync({
        shopUnitId: v.shopUnitId!,
        duties: v.duties,
        signedOn: day(v.signedOn)!,
        signerName: v.signerName.trim(),
        responsibleName: text(v.responsibleName),
        responsiblePhone: text(v.responsiblePhone),
        platePosted: v.platePosted,
        contractFileId: v.scan?.id ?? null,
        validFrom: day(v.validFrom)!,
        expiresOn: day(v.expiresOn),
      });
      void message.success(t('frontage.signedOk'));
      setSigning(false);
      setQuery({ id: created.id }, false);
    } catch (err) {
      if (isApiError(err, 'ASSIGNMENT_OVERLAP')) {
        setSignError(t('frontage.alreadySigned', { message: (err as Error).message }));
        return;
      }
      report(err, form, {
        fields: ['shopUnitId', 'duties', 'signedOn', 'signerName', 'responsibleName', 'responsiblePhone', 'validFrom', 'expiresOn'],
        fieldMap: { contractFileId: 'scan' },
        codeFields: { PERIOD_INVALID: 'expiresOn' },
      });
    }
  };

  const columns: TableColumnsType<FrontageContractView> = [
    {
      title: t('frontage.shop'),
      key: 'shop',
      render: (_, c) => (
        <div>
          <Typography.Link onClick={() => setQuery({ id: c.id }, false)} data-testid="frontage-open">
            {c.shop.name}
          </Typography.Link>
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {c.shop.address ?? ''}
            </Typography.Text>
          </div>
        </div>
      ),
    },
    { title: t('frontage.status.title'), key: 'status', width: 100, render: (_, c) => <StatusTag status={c.status} /> },
    { title: t('frontage.expiresOn'), dataIndex: 'expiresOn', width: 110, render: (v: string | null) => v ?? t('frontage.noExpiry') },
    {
      title: t('frontage.responsible'),
      key: 'resp',
      responsive: ['lg'],
      render: (_, c) => (
        <div>
          <div>{c.responsibleName ?? c.signerName}</div>
          <Typography.Text type="secondary">{c.responsiblePhone}</Typography.Text>
        </div>
      ),
    },
    { title: t('frontage.signedOn'), dataIndex: 'signedOn', responsive: ['xl'], width: 110 },
    {
      title: t('frontage.plate'),
      key: 'plate',
      responsive: ['md'],
      width: 90,
      render: (_, c) => (c.platePosted ? <Tag color="green">{t('frontage.platePosted')}</Tag> : <Tag color="orange">{t('frontage.plateMissing')}</Tag>),
    },
    {
      title: t('frontage.checksCol'),
      key: 'checks',
      responsive: ['md'],
      width: 110,
      render: (_, c) =>
        c.checks ? (
          <span>
            {c.checks}
            {c.failedChecks > 0 && <Typography.Text type="danger">{t('frontage.failedCount', { n: c.failedChecks })}</Typography.Text>}
          </span>
        ) : (
          t('common.none')
        ),
    },
  ];

  const warnCount = (expiring.data?.total ?? 0) + (expired.data?.total ?? 0);

  return (
    <>
      <PageHeader
        title={t('frontage.title')}
        extra={
          <>
            <ImportExportButtons kind="shops" />
            {list.data?.actions.includes('create') && (
              <Button type="primary" icon={<PlusOutlined />} onClick={openSign} data-testid="frontage-create">
                {t('frontage.sign')}
              </Button>
            )}
          </>
        }
      />
      {warnCount > 0 && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="frontage-warning"
          title={t('frontage.warning', { expiring: expiring.data?.total ?? 0, expired: expired.data?.total ?? 0 })}
          action={
            <Space direction={screens.sm ? 'horizontal' : 'vertical'} size={4}>
              {(expiring.data?.total ?? 0) > 0 && (
                <Button size="small" onClick={() => setQuery({ status: 'expiring' })}>
                  {t('frontage.showExpiring')}
                </Button>
              )}
              {(expired.data?.total ?? 0) > 0 && (
                <Button size="small" danger onClick={() => setQuery({ status: 'expired' })}>
                  {t('frontage.showExpired')}
                </Button>
              )}
            </Space>
          }
        />
      )}
      <Card>
        <div className="cc-toolbar">
          <Input.Search
            className="cc-toolbar__search"
            allowClear
            placeholder={t('frontage.searchPlaceholder')}
            aria-label={t('frontage.searchPlaceholder')}
            value={searchText}
            onChange={(e) => setSearchText(e.target.value)}
            onSearch={(v) => setQuery({ q: v.trim() })}
          />
          <Select<FrontageStatus>
            className="cc-toolbar__select"
            allowClear
            placeholder={t('frontage.allStatuses')}
            aria-label={t('frontage.status.title')}
            value={query.status}
            onChange={(v) => setQuery({ status: v })}
            options={STATUSES.map((s) => ({ value: s, label: t(`frontage.status.${s}`) }))}
            data-testid="frontage-status-filter"
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
          {(query.q || query.status || query.regionId) && (
            <Button onClick={() => resetQuery()}>{t('common.reset')}</Button>
          )}
        </div>
        <PagedTable<FrontageContractView>
          result={list}
          query={query}
          onPage={(page, pageSize) => setQuery({ page, pageSize }, false)}
          columns={columns}
          empty={<Empty image={<FileProtectOutlined style={{ fontSize: 40, color: '#bfbfbf' }} />} description={t('frontage.empty')} />}
          testId="frontage-table"
        />
      </Card>

      <ContractDrawer id={detailId} onClose={() => setQuery({ id: null }, false)} />

      <Drawer
        open={signing}
        title={t('frontage.signTitle')}
        size={screens.sm ? 520 : '100%'}
        onClose={() => setSigning(false)}
        forceRender
        extra={
          <Space>
            <Button onClick={() => setSigning(false)}>{t('common.cancel')}</Button>
            <Button type="primary" onClick={onSign} loading={create.isPending} data-testid="frontage-sign-save">
              {t('common.save')}
            </Button>
          </Space>
        }
      >
        {signError && <Alert type="error" showIcon title={signError} style={{ marginBottom: 16 }} data-testid="frontage-sign-error" />}
        <Form<SignValues> form={form} name="sign" layout="vertical" requiredMark="optional" data-testid="frontage-sign-form">
          <Form.Item name="shopUnitId" label={t('frontage.shop')} rules={[{ required: true, message: t('frontage.shopRequired') }]}>
            <UnitSelect kind="merchant" placeholder={t('frontage.shopPlaceholder')} />
          </Form.Item>
          <Form.Item name="duties" label={t('frontage.duties')} rules={[{ required: true, type: 'array', min: 1, message: t('frontage.dutiesRequired') }]}>
            <Checkbox.Group options={duties.map((d) => ({ value: d, label: d }))} />
          </Form.Item>
          <Form.Item name="signedOn" label={t('frontage.signedOn')} rules={[{ required: true, message: t('assignments.dateRequired') }]}>
            <DatePicker format={DATE} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="signerName" label={t('frontage.signerName')} rules={[{ required: true, whitespace: true, message: t('frontage.signerRequired') }, { max: 64 }]}>
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item name="responsibleName" label={t('frontage.responsibleName')} rules={[{ max: 64 }]}>
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item name="responsiblePhone" label={t('frontage.responsiblePhone')} rules={[{ pattern: new RegExp(PHONE_PATTERN), message: t('units.phoneInvalid') }]}>
            <Input maxLength={20} inputMode="tel" />
          </Form.Item>
          <Form.Item name="validFrom" label={t('frontage.validFrom')} rules={[{ required: true, message: t('assignments.dateRequired') }]}>
            <DatePicker format={DATE} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item
            name="expiresOn"
            label={t('frontage.expiresOn')}
            extra={t('frontage.expiresHint', { days: warningDays })}
            dependencies={['validFrom']}
            rules={[
              ({ getFieldValue }) => ({
                validator: (_, v: Dayjs | null | undefined) => {
                  const from = getFieldValue('validFrom') as Dayjs | undefined;
                  return !v || !from || !v.isBefore(from, 'day') ? Promise.resolve() : Promise.reject(new Error(t('frontage.expiresBeforeFrom')));
                },
              }),
            ]}
          >
            <DatePicker format={DATE} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="platePosted" label={t('frontage.plate')} valuePropName="checked">
            <Switch checkedChildren={t('frontage.platePosted')} unCheckedChildren={t('frontage.plateMissing')} />
          </Form.Item>
          <Form.Item name="scan" label={t('frontage.scan')}>
            <ScanUpload />
          </Form.Item>
        </Form>
      </Drawer>
    </>
  );
}
