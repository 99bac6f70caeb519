import { useMemo, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Drawer,
  Empty,
  Form,
  Grid,
  Input,
  Modal,
  Radio,
  Select,
  Skeleton,
  Space,
  Tabs,
  Tag,
  Timeline,
  Tooltip,
  Typography,
} from 'antd';
import type { ButtonProps, TableColumnsType } from 'antd';
import { HistoryOutlined, PlusOutlined, StopOutlined, SwapOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { ASSIGNMENT_KIND_RULES, addDays, type AssignmentKind, type AssignmentView, type TargetType } from '@cc/domain';
import { useAssignmentHistory, useAssignmentMutations, useAssignments, type AssignmentQuery } from '../api/assignments';
import { ApiError } from '../api/client';
import { useSegments, useZones } from '../api/map';
import { useRegions } from '../api/org';
import { ImportExportButtons } from '../components/ImportExportButtons';
import { PageHeader } from '../components/PageHeader';
import { PagedTable } from '../components/PagedTable';
import { PersonSelect } from '../components/PersonSelect';
import { QueryError } from '../components/QueryError';
import { UnitSelect } from '../components/UnitSelect';
import { useLanguage } from '../i18n';
import { isApiError } from '../lib/errors';
import { assignmentKindLabel } from '../lib/labels';
import { useReportError } from '../lib/useReportError';
import { cityDay } from '../lib/time';
import { positiveInt as num, useQueryParams, pageOf } from '../lib/useQueryParams';

const DATE = 'YYYY-MM-DD';
/** The kinds assigned on this page; frontage goes through contracts (门前责任书). */
const KINDS = ['community_cover', 'segment_cover', 'pairing', 'zone'] as const satisfies readonly AssignmentKind[];
type PageKind = (typeof KINDS)[number];
const isPageKind = (k: string | null): k is PageKind => (KINDS as readonly string[]).includes(k ?? '');
const isDate = (s: string | null): s is string => !!s && dayjs(s, DATE, true).isValid();

type Party = 'unit' | 'person';

interface CreateValues {
  targetId?: number;
  party: Party;
  responsibleUnitId?: number | null;
  responsiblePersonId?: number | null;
  validFrom?: Dayjs;
  validTo?: Dayjs | null;
  note?: string;
}
interface EndValues {
  validTo?: Dayjs;
}
interface ReassignValues {
  from?: Dayjs;
  party: Party;
  responsibleUnitId?: number | null;
  responsiblePersonId?: number | null;
  note?: string;
}

type Phase = 'current' | 'ended' | 'future';
function phaseOf(a: Pick<AssignmentView, 'validFrom' | 'validTo'>, today: string): Phase {
  if (a.validTo !== null && a.validTo < today) return 'ended';
  if (a.validFrom > today) return 'future';
  return 'current';
}
const PHASE_COLOR: Record<Phase, string> = { current: 'green', ended: 'default', future: 'blue' };

/** The parties a kind allows: a unit, a person, or either. */
const partiesOf = (kind: AssignmentKind): Party[] => {
  const r = ASSIGNMENT_KIND_RULES[kind].responsible;
  return r === 'unit_or_person' ? ['unit', 'person'] : [r];
};

function useTargetOptions(kind: PageKind) {
  const rule = ASSIGNMENT_KIND_RULES[kind];
  const regions = useRegions(rule.target === 'region');
  const segments = useSegments({}, rule.target === 'road_segment');
  const zones = useZones(rule.target === 'zone');
  return useMemo(() => {
    if (rule.target === 'region') {
      return {
        loading: regions.isLoading,
        options: (regions.data?.items ?? [])
          .filter((r) => !rule.targetLevel || r.level === rule.targetLevel)
          .map((r) => ({ value: r.id, label: r.name })),
      };
    }
    if (rule.target === 'road_segment') {
      return {
        loading: segments.isLoading,
        options: (segments.data?.items ?? []).map((s) => ({ value: s.id, label: `${s.name}（${s.code}）` })),
      };
    }
    return { loading: zones.isLoading, options: (zones.data?.items ?? []).map((z) => ({ value: z.id, label: `${z.name}（${z.code}）` })) };
  }, [rule, regions.data, regions.isLoading, segments.data, segments.isLoading, zones.data, zones.isLoading]);
}

function PartyFields({ kind, prefix }: { kind: AssignmentKind; prefix: string }) {
  const { t } = useTranslation();
  const parties = partiesOf(kind);
  const party = Form.useWatch<Party | undefined>('party');
  return (
    <>
      {parties.length > 1 && (
        <Form.Item name="party" label={t('assignments.partyType')}>
          <Radio.Group
            optionType="button"
            options={parties.map((p) => ({ value: p, label: t(`assignments.party.${p}`) }))}
            data-testid={`${prefix}-party-type`}
          />
        </Form.Item>
      )}
      {(party ?? parties[0]) === 'unit' ? (
        <Form.Item
          name="responsibleUnitId"
          label={t('assignments.responsibleUnit')}
          rules={[{ required: true, message: t('assignments.unitRequired') }]}
        >
          <UnitSelect />
        </Form.Item>
      ) : (
        <Form.Item
          name="responsiblePersonId"
          label={t('assignments.responsiblePerson')}
          rules={[{ required: true, message: t('assignments.personRequired') }]}
        >
          <PersonSelect />
        </Form.Item>
      )}
    </>
  );
}

/** One period of one target: who, from when to when, whom it replaced. */
function HistoryDrawer({
  target,
  kind,
  onClose,
}: {
  target: { type: TargetType; id: number } | null;
  kind: AssignmentKind;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const screens = Grid.useBreakpoint();
  const history = useAssignmentHistory(target);
  const today = cityDay().format(DATE);
  const items = (history.data?.items ?? []).filter((a) => a.kind === kind);
  const byId = new Map((history.data?.items ?? []).map((a) => [a.id, a]));
  const partyName = (a: AssignmentView) =>
    a.responsiblePerson
      ? `${a.responsiblePerson.name}${a.responsiblePerson.position ? `（${a.responsiblePerson.position}）` : ''}`
      : (a.responsibleUnit?.name ?? t('common.none'));

  return (
    <Drawer
      open={target !== null}
      onClose={onClose}
      size={screens.sm ? 480 : '100%'}
      title={
        history.data
          ? t('assignments.historyTitle', { target: history.data.target.name, kind: assignmentKindLabel(kind, lang) })
          : t('assignments.history')
      }
      data-testid="assignment-history"
    >
      {history.isError ? (
        <QueryError error={history.error} onRetry={() => void history.refetch()} />
      ) : history.isLoading ? (
        <Skeleton active />
      ) : items.length === 0 ? (
        <Empty description={t('assignments.historyEmpty')} />
      ) : (
        <Timeline
          data-testid="assignment-timeline"
          items={items.map((a) => {
            const phase = phaseOf(a, today);
            const replaced = a.replacesId ? byId.get(a.replacesId) : undefined;
            return {
              key: a.id,
              color: phase === 'current' ? 'green' : phase === 'future' ? 'blue' : 'gray',
              title: (
                <span className="cc-nowrap">
                  {a.validFrom} ~ {a.validTo ?? t('assignments.openEnded')}
                </span>
              ),
              content: (
                <div data-testid="assignment-period">
                  <Space size={6} wrap>
                    <Typography.Text strong>{partyName(a)}</Typography.Text>
                    <Tag color={PHASE_COLOR[phase]}>{t(`assignments.phase.${phase}`)}</Tag>
                  </Space>
                  {a.responsiblePerson && a.responsibleUnit && <div>{a.responsibleUnit.name}</div>}
                  {replaced && (
                    <div>
                      <Typography.Text type="secondary">{t('assignments.replaces', { name: partyName(replaced), to: replaced.validTo ?? '' })}</Typography.Text>
                    </div>
                  )}
                  {a.note && (
                    <div>
                      <Typography.Text type="secondary">{a.note}</Typography.Text>
                    </div>
                  )}
                </div>
              ),
            };
          })}
        />
      )}
    </Drawer>
  );
}

/**
 * 责任安排: 包社区, 包路段, 挂钩 and 责任区, each a list of periods. Creating, ending and handing over
 * (交接) follow the kind's rule (ASSIGNMENT_KIND_RULES); overlaps come back from the server as 409.
 */
export default function AssignmentsPage() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const { message } = App.useApp();
  const report = useReportError();
  const screens = Grid.useBreakpoint();
  const { params, setQuery } = useQueryParams();
  const today = cityDay().format(DATE);

  const kind: PageKind = isPageKind(params.get('kind')) ? (params.get('kind') as PageKind) : 'community_cover';
  const rule = ASSIGNMENT_KIND_RULES[kind];
  const dateParam = params.get('date');
  const date = dateParam === 'all' ? undefined : isDate(dateParam) ? dateParam : today;
  const targetId = num(params.get('targetId'));
  const query: AssignmentQuery = {
    kind,
    date,
    targetId,
    targetType: targetId ? rule.target : undefined,
    ...pageOf(params),
  };
  const list = useAssignments(query);
  const targets = useTargetOptions(kind);
  const { create, end, reassign } = useAssignmentMutations();

  const historyType = params.get('historyType') as TargetType | null;
  const historyId = num(params.get('historyId'));
  const historyTarget = historyType && historyId ? { type: historyType, id: historyId } : null;

  const [creating, setCreating] = useState(false);
  const [ending, setEnding] = useState<AssignmentView | null>(null);
  const [handing, setHanding] = useState<AssignmentView | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [createForm] = Form.useForm<CreateValues>();
  const [endForm] = Form.useForm<EndValues>();
  const [handForm] = Form.useForm<ReassignValues>();

  const partyName = (a: AssignmentView) => a.responsiblePerson?.name ?? a.responsibleUnit?.name ?? t('common.none');

  /** 409 ASSIGNMENT_OVERLAP and PERIOD_INVALID are shown in the dialog; field problems on fields. */
  const onWriteError = (err: unknown, form: Parameters<typeof report>[1], fields: string[]) => {
    if (isApiError(err, 'ASSIGNMENT_OVERLAP') || isApiError(err, 'ASSIGNMENT_ENDED') || isApiError(err, 'OUT_OF_SCOPE')) {
      setFormError((err as ApiError).message);
      return;
    }
    if (isApiError(err, 'CONFLICT')) {
      void message.warning(t('errors.conflict'));
      setEnding(null);
      setHanding(null);
      void list.refetch();
      return;
    }
    report(err, form, { fields, codeFields: { PERIOD_INVALID: fields.includes('validTo') ? 'validTo' : 'from' } });
  };

  const openCreate = () => {
    createForm.resetFields();
    createForm.setFieldsValue({ party: partiesOf(kind)[0], validFrom: cityDay(), targetId });
    setFormError(null);
    setCreating(true);
  };
  const onCreate = async () => {
    const v = await createForm.validateFields().catch(() => null);
    if (!v) return;
    setFormError(null);
    const party = partiesOf(kind).length > 1 ? v.party : partiesOf(kind)[0]!;
    try {
      await create.mutateAsync({
        kind,
        targetId: v.targetId!,
        responsibleUnitId: party === 'unit' ? (v.responsibleUnitId ?? null) : null,
        responsiblePersonId: party === 'person' ? (v.responsiblePersonId ?? null) : null,
        validFrom: v.validFrom!.format(DATE),
        validTo: v.validTo ? v.validTo.format(DATE) : null,
        note: v.note?.trim() || null,
      });
      void message.success(t('common.created'));
      setCreating(false);
    } catch (err) {
      onWriteError(err, createForm, ['targetId', 'responsibleUnitId', 'responsiblePersonId', 'validFrom', 'validTo', 'note']);
    }
  };

  const openEnd = (a: AssignmentView) => {
    endForm.resetFields();
    endForm.setFieldsValue({ validTo: dayjs(today > a.validFrom ? today : a.validFrom, DATE) });
    setFormError(null);
    setEnding(a);
  };
  const onEnd = async () => {
    if (!ending) return;
    const v = await endForm.validateFields().catch(() => null);
    if (!v) return;
    setFormError(null);
    try {
      await end.mutateAsync({ id: ending.id, body: { validTo: v.validTo!.format(DATE), version: ending.version } });
      void message.success(t('assignments.endedOk'));
      setEnding(null);
    } catch (err) {
      onWriteError(err, endForm, ['validTo']);
    }
  };

  const openHand = (a: AssignmentView) => {
    handForm.resetFields();
    const first = addDays(a.validFrom, 1);
    handForm.setFieldsValue({ party: a.responsiblePerson ? 'person' : 'unit', from: dayjs(today > first ? today : first, DATE) });
    setFormError(null);
    setHanding(a);
  };
  const onHand = async () => {
    if (!handing) return;
    const v = await handForm.validateFields().catch(() => null);
    if (!v) return;
    setFormError(null);
    const party = partiesOf(handing.kind).length > 1 ? v.party : partiesOf(handing.kind)[0]!;
    try {
      await reassign.mutateAsync({
        id: handing.id,
        body: {
          from: v.from!.format(DATE),
          responsibleUnitId: party === 'unit' ? (v.responsibleUnitId ?? null) : null,
          responsiblePersonId: party === 'person' ? (v.responsiblePersonId ?? null) : null,
          note: v.note?.trim() || null,
          version: handing.version,
        },
      });
      void message.success(t('assignments.handedOk'));
      const target = handing.target;
      setHanding(null);
      setQuery({ historyType: target.type, historyId: target.id }, false);
    } catch (err) {
      onWriteError(err, handForm, ['from', 'responsibleUnitId', 'responsiblePersonId', 'note']);
    }
  };

  const columns: TableColumnsType<AssignmentView> = [
    {
      title: t('assignments.target'),
      key: 'target',
      render: (_, a) => (
        <div>
          <div>{a.target.name}</div>
          {!screens.md && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {partyName(a)} · {a.validFrom} ~ {a.validTo ?? t('assignments.openEnded')}
            </Typography.Text>
          )}
        </div>
      ),
    },
    {
      title: t('assignments.responsible'),
      key: 'party',
      responsive: ['md'],
      render: (_, a) =>
        a.responsiblePerson ? (
          <div>
            <div>
              {a.responsiblePerson.name}
              {a.responsiblePerson.position && <Typography.Text type="secondary">（{a.responsiblePerson.position}）</Typography.Text>}
            </div>
            {a.responsibleUnit && <Typography.Text type="secondary">{a.responsibleUnit.name}</Typography.Text>}
          </div>
        ) : (
          (a.responsibleUnit?.name ?? t('common.none'))
        ),
    },
    {
      title: t('assignments.period'),
      key: 'period',
      responsive: ['md'],
      render: (_, a) => (
        <span className="cc-nowrap">
          {a.validFrom} ~ {a.validTo ?? t('assignments.openEnded')}
        </span>
      ),
    },
    {
      title: t('assignments.phaseTitle'),
      key: 'phase',
      width: 90,
      render: (_, a) => {
        const p = phaseOf(a, today);
        return <Tag color={PHASE_COLOR[p]}>{t(`assignments.phase.${p}`)}</Tag>;
      },
    },
    { title: t('assignments.note'), dataIndex: 'note', responsive: ['xl'], ellipsis: true, render: (v: string | null) => v ?? t('common.none') },
    {
      title: t('common.actions'),
      key: 'actions',
      width: screens.md ? 220 : 110,
      render: (_, a) => (
        <Space size={0} wrap>
          <Tooltip title={screens.md ? undefined : t('assignments.history')}>
            <Button
              type="link"
              size="small"
              icon={<HistoryOutlined />}
              onClick={() => setQuery({ historyType: a.target.type, historyId: a.target.id }, false)}
              aria-label={t('assignments.history')}
              data-testid="assignment-history-open"
            >
              {screens.md && t('assignments.history')}
            </Button>
          </Tooltip>
          {a.actions.includes('reassign') && (
            <Tooltip title={screens.md ? undefined : t('assignments.reassign')}>
              <Button type="link" size="small" icon={<SwapOutlined />} onClick={() => openHand(a)} aria-label={t('assignments.reassign')} data-testid="assignment-reassign">
                {screens.md && t('assignments.reassign')}
              </Button>
            </Tooltip>
          )}
          {a.actions.includes('end') && (
            <Tooltip title={screens.md ? undefined : t('assignments.end')}>
              <Button type="link" size="small" danger icon={<StopOutlined />} onClick={() => openEnd(a)} aria-label={t('assignments.end')} data-testid="assignment-end">
                {screens.md && t('assignments.end')}
              </Button>
            </Tooltip>
          )}
        </Space>
      ),
    },
  ];

  const dateControl = (
    <Space size={4} wrap>
      <Typography.Text>{t('assignments.validOn')}</Typography.Text>
      <DatePicker
        aria-label={t('assignments.validOn')}
        value={date ? dayjs(date, DATE) : null}
        format={DATE}
        placeholder={t('assignments.allPeriods')}
        onChange={(d) => setQuery({ date: d ? (d.format(DATE) === today ? null : d.format(DATE)) : 'all' })}
        data-testid="assignments-date"
        style={{ width: 150 }}
      />
    </Space>
  );

  const formAlert = formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 16 }} data-testid="assignment-form-error" />;

  return (
    <>
      <PageHeader
        title={t('assignments.title')}
        extra={
          <>
            <ImportExportButtons kind="assignments" />
            {list.data?.actions.includes('create') && (
              <Button type="primary" icon={<PlusOutlined />} onClick={openCreate} data-testid="assignment-create">
                {t('assignments.create', { kind: assignmentKindLabel(kind, lang) })}
              </Button>
            )}
          </>
        }
      />
      <Card>
        <Tabs
          activeKey={kind}
          onChange={(k) => setQuery({ kind: k, targetId: null })}
          items={KINDS.map((k) => ({ key: k, label: t(`assignments.tabs.${k}`) }))}
          data-testid="assignment-tabs"
        />
        <div className="cc-toolbar">
          {dateControl}
          <Select<number>
            className="cc-toolbar__select"
            style={{ width: screens.md ? 240 : '100%' }}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t(`assignments.allTargets.${rule.target}`)}
            aria-label={t('assignments.target')}
            value={targetId}
            loading={targets.loading}
            options={targets.options}
            onChange={(v) => setQuery({ targetId: v })}
          />
        </div>
        <PagedTable<AssignmentView>
          result={list}
          query={query}
          onPage={(page, pageSize) => setQuery({ page, pageSize }, false)}
          columns={columns}
          empty={t('assignments.empty')}
          testId="assignments-table"
        />
      </Card>

      <Drawer
        open={creating}
        title={t('assignments.create', { kind: assignmentKindLabel(kind, lang) })}
        size={screens.sm ? 480 : '100%'}
        onClose={() => setCreating(false)}
        forceRender
        extra={
          <Space>
            <Button onClick={() => setCreating(false)}>{t('common.cancel')}</Button>
            <Button type="primary" onClick={onCreate} loading={create.isPending} data-testid="assignment-save">
              {t('common.save')}
            </Button>
          </Space>
        }
      >
        {creating && formAlert}
        <Typography.Paragraph type="secondary">{t(`assignments.rule.${kind}`)}</Typography.Paragraph>
        <Form<CreateValues> form={createForm} name="assignment" layout="vertical" requiredMark="optional" data-testid="assignment-form">
          <Form.Item name="targetId" label={t(`assignments.targetOf.${rule.target}`)} rules={[{ required: true, message: t('assignments.targetRequired') }]}>
            <Select<number>
              showSearch={{ optionFilterProp: 'label' }}
              options={targets.options}
              loading={targets.loading}
              placeholder={t('assignments.targetPlaceholder')}
              data-testid="assignment-target"
            />
          </Form.Item>
          <PartyFields kind={kind} prefix="assignment" />
          <Form.Item name="validFrom" label={t('assignments.validFrom')} rules={[{ required: true, message: t('assignments.dateRequired') }]}>
            <DatePicker format={DATE} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item
            name="validTo"
            label={t('assignments.validTo')}
            extra={t('assignments.validToHint')}
            dependencies={['validFrom']}
            rules={[
              ({ getFieldValue }) => ({
                validator(_, v: Dayjs | null | undefined) {
                  const from = getFieldValue('validFrom') as Dayjs | undefined;
                  if (!v || !from || !v.isBefore(from, 'day')) return Promise.resolve();
                  return Promise.reject(new Error(t('assignments.toBeforeFrom')));
                },
              }),
            ]}
          >
            <DatePicker format={DATE} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="note" label={t('assignments.note')} rules={[{ max: 500 }]}>
            <Input.TextArea maxLength={500} autoSize={{ minRows: 2, maxRows: 4 }} />
          </Form.Item>
        </Form>
      </Drawer>

      <Modal
        open={ending !== null}
        title={t('assignments.endTitle', { target: ending?.target.name ?? '' })}
        okText={t('assignments.end')}
        okButtonProps={{ danger: true, 'data-testid': 'assignment-end-ok' } as ButtonProps}
        confirmLoading={end.isPending}
        onOk={onEnd}
        onCancel={() => setEnding(null)}
        forceRender
      >
        {ending && formAlert}
        {ending && (
          <Typography.Paragraph>
            {t('assignments.endIntro', { party: partyName(ending), from: ending.validFrom })}
          </Typography.Paragraph>
        )}
        <Form<EndValues> form={endForm} name="end" layout="vertical">
          <Form.Item
            name="validTo"
            label={t('assignments.lastDay')}
            extra={t('assignments.lastDayHint')}
            rules={[
              { required: true, message: t('assignments.dateRequired') },
              {
                validator(_, v: Dayjs | undefined) {
                  if (!v || !ending || !v.isBefore(dayjs(ending.validFrom, DATE), 'day')) return Promise.resolve();
                  return Promise.reject(new Error(t('assignments.toBeforeFrom')));
                },
              },
            ]}
          >
            <DatePicker format={DATE} style={{ width: '100%' }} />
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        open={handing !== null}
        title={t('assignments.reassignTitle', { target: handing?.target.name ?? '' })}
        okText={t('assignments.reassign')}
        okButtonProps={{ 'data-testid': 'assignment-reassign-ok' } as ButtonProps}
        confirmLoading={reassign.isPending}
        onOk={onHand}
        onCancel={() => setHanding(null)}
        forceRender
      >
        {handing && formAlert}
        {handing && (
          <Typography.Paragraph>
            {t('assignments.reassignIntro', { party: partyName(handing), from: handing.validFrom })}
          </Typography.Paragraph>
        )}
        <Form<ReassignValues> form={handForm} name="reassign" layout="vertical" requiredMark="optional" data-testid="reassign-form">
          <Form.Item
            name="from"
            label={t('assignments.handoverFrom')}
            extra={t('assignments.handoverFromHint')}
            rules={[
              { required: true, message: t('assignments.dateRequired') },
              {
                validator(_, v: Dayjs | undefined) {
                  if (!v || !handing) return Promise.resolve();
                  if (!v.isAfter(dayjs(handing.validFrom, DATE), 'day')) return Promise.reject(new Error(t('assignments.handoverAfterStart')));
                  if (handing.validTo && v.isAfter(dayjs(handing.validTo, DATE), 'day')) {
                    return Promise.reject(new Error(t('assignments.handoverBeforeEnd', { to: handing.validTo })));
                  }
                  return Promise.resolve();
                },
              },
            ]}
          >
            <DatePicker format={DATE} style={{ width: '100%' }} />
          </Form.Item>
          {handing && <PartyFields kind={handing.kind} prefix="reassign" />}
          <Form.Item name="note" label={t('assignments.note')} rules={[{ max: 500 }]}>
            <Input.TextArea maxLength={500} autoSize={{ minRows: 2, maxRows: 4 }} />
          </Form.Item>
        </Form>
      </Modal>

      <HistoryDrawer target={historyTarget} kind={kind} onClose={() => setQuery({ historyType: null, historyId: null }, false)} />
    </>
  );
}
