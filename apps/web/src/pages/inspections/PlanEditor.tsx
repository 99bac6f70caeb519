import { useMemo, useState } from 'react';
import { Alert, App, Button, Calendar, Checkbox, Col, DatePicker, Drawer, Form, Grid, Input, InputNumber, Radio, Row, Select, Space, Switch, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import {
  PLAN_KINDS,
  UNIT_KINDS,
  windowOf,
  windowsBetween,
  type CreatePlanBody,
  type PlanKind,
  type PlanMode,
  type PlanView,
  type Recurrence,
  type TargetSpec,
} from '@cc/domain';
import { ApiError } from '../../api/client';
import { useCaseCategories } from '../../api/cases';
import { useZones } from '../../api/map';
import { useRegions } from '../../api/org';
import { useAuth } from '../../app/auth';
import { UnitSelect } from '../../components/UnitSelect';
import { useLanguage } from '../../i18n';
import { isApiError } from '../../lib/errors';
import { unitKindLabel } from '../../lib/labels';
import { useReportError } from '../../lib/useReportError';
import { usePlanMutations, usePoints, usePointTypes, useStandards } from './api';
import { DATE, iso, todayIso, UnitMultiSelect, UserMultiSelect } from './common';
import type { InspectionStrings } from './strings';
import { cityDay } from '../../lib/time';

interface FormValues {
  name: string;
  kind: PlanKind;
  editionId: number | null;
  mode: PlanMode;
  recurrence: Recurrence;
  targets: TargetSpec;
  ownerUnitId: number | null;
  teamUserIds: number[];
  startsOn: Dayjs;
  endsOn: Dayjs | null;
  reopenHours: number;
  active: boolean;
  /** 回头看计划 only. */
  recheckRegionIds: number[];
  recheckCategoryIds: number[];
  samplePercent: number | null;
}
const FIELDS = ['name', 'kind', 'editionId', 'mode', 'recurrence', 'targets', 'ownerUnitId', 'teamUserIds', 'startsOn', 'endsOn', 'reopenHours', 'active',
  'recheckRegionIds', 'recheckCategoryIds', 'samplePercent'];
export const NO_TARGETS: TargetSpec = { unitKinds: [], withinUnitId: null, unitIds: [], zoneIds: [], pointIds: [], pointTypeIds: [] };

/** The server names nested fields `/targets/unitIds` or `targets.unitIds`; the form has one field per top-level name. */
function topLevel(err: unknown): unknown {
  if (!(err instanceof ApiError) || !Array.isArray(err.details)) return err;
  const details = (err.details as unknown[]).map((d) =>
    typeof d === 'object' && d !== null && typeof (d as { field?: unknown }).field === 'string'
      ? { ...d, field: (d as { field: string }).field.replace(/^[/.]+/, '').split(/[./]/)[0] ?? '' }
      : d,
  );
  return new ApiError(err.status, err.code, err.message, details);
}

// ---------------------------------------------------------------------------------------------
/** 检查频次: daily / weekly at least N / monthly between two days / once between two dates. */
function RecurrenceEditor({ value, onChange, s, id }: { value?: Recurrence; onChange?: (r: Recurrence) => void; s: InspectionStrings; id?: string }) {
  const rec = value ?? { type: 'weekly', atLeast: 1 };
  const setType = (type: Recurrence['type']) => {
    const today = todayIso();
    const next: Recurrence =
      type === 'daily'
        ? { type, weekdaysOnly: false }
        : type === 'weekly'
          ? { type, atLeast: 1 }
          : type === 'monthly'
            ? { type, fromDay: 26, toDay: 28, atLeast: 1 }
            : { type, from: today, to: iso(cityDay().add(13, 'day')) };
    onChange?.(next);
  };
  return (
    <div id={id} className="cc-rec-editor" data-testid="plan-recurrence">
      <Radio.Group
        optionType="button"
        value={rec.type}
        onChange={(e) => setType(e.target.value as Recurrence['type'])}
        options={(['daily', 'weekly', 'monthly', 'once'] as const).map((t) => ({ value: t, label: s.rec.types[t] }))}
      />
      <div className="cc-rec-editor__detail">
        {rec.type === 'daily' && (
          <Checkbox checked={Boolean(rec.weekdaysOnly)} onChange={(e) => onChange?.({ type: 'daily', weekdaysOnly: e.target.checked })}>
            {s.rec.weekdaysOnly}
          </Checkbox>
        )}
        {rec.type === 'weekly' && (
          <Space wrap>
            <span>{s.rec.perWeek}</span>
            <InputNumber min={1} max={7} precision={0} value={rec.atLeast} onChange={(n) => onChange?.({ type: 'weekly', atLeast: n ?? 1 })} aria-label={s.rec.perWeek} data-testid="rec-weekly-n" />
            <span>{s.rec.times}</span>
          </Space>
        )}
        {rec.type === 'monthly' && (
          <Space wrap>
            <span>{s.rec.fromDay}</span>
            <InputNumber min={1} max={31} precision={0} value={rec.fromDay} onChange={(n) => onChange?.({ ...rec, fromDay: n ?? 1 })} aria-label={s.rec.fromDay} style={{ width: 64 }} />
            <span>{s.rec.toDay}</span>
            <InputNumber min={1} max={31} precision={0} value={rec.toDay} onChange={(n) => onChange?.({ ...rec, toDay: n ?? 1 })} aria-label={s.rec.toDay} style={{ width: 64 }} />
            {s.rec.day && <span>{s.rec.day}</span>}
            <span>{s.rec.atLeast}</span>
            <InputNumber min={1} max={31} precision={0} value={rec.atLeast} onChange={(n) => onChange?.({ ...rec, atLeast: n ?? 1 })} aria-label={s.rec.atLeast} style={{ width: 64 }} />
            <span>{s.rec.times}</span>
          </Space>
        )}
        {rec.type === 'once' && (
          <DatePicker.RangePicker
            value={[dayjs(rec.from), dayjs(rec.to)]}
            allowClear={false}
            aria-label={s.rec.range}
            onChange={(v) => v?.[0] && v[1] && onChange?.({ type: 'once', from: iso(v[0]), to: iso(v[1]) })}
          />
        )}
      </div>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
/** 检查对象: unit kinds within a unit, named units, zones, point types, named points. */
function TargetsEditor({ value, onChange, s, id }: { value?: TargetSpec; onChange?: (t: TargetSpec) => void; s: InspectionStrings; id?: string }) {
  const lang = useLanguage();
  const t = value ?? NO_TARGETS;
  const set = (patch: Partial<TargetSpec>) => onChange?.({ ...t, ...patch });
  const zones = useZones();
  const types = usePointTypes();
  const points = usePoints({ pageSize: 500 });
  const row = (label: string, child: React.ReactNode) => (
    <div className="cc-targets-editor__row">
      <Typography.Text type="secondary" className="cc-targets-editor__label">
        {label}
      </Typography.Text>
      <div className="cc-targets-editor__input">{child}</div>
    </div>
  );
  return (
    <div id={id} className="cc-targets-editor" data-testid="plan-targets">
      {row(
        s.targets.unitKinds,
        <Select<string[]>
          mode="multiple"
          value={t.unitKinds}
          onChange={(v) => set({ unitKinds: v })}
          placeholder={s.targets.unitKindsPlaceholder}
          options={UNIT_KINDS.map((k) => ({ value: k, label: unitKindLabel(k, lang) }))}
          showSearch={{ optionFilterProp: 'label' }}
          aria-label={s.targets.unitKinds}
          data-testid="targets-unit-kinds"
          style={{ width: '100%' }}
        />,
      )}
      {t.unitKinds.length > 0 &&
        row(
          s.targets.within,
          <UnitSelect value={t.withinUnitId} onChange={(v) => set({ withinUnitId: v })} placeholder={s.targets.withinPlaceholder} aria-label={s.targets.within} style={{ width: '100%' }} />,
        )}
      {row(s.targets.units, <UnitMultiSelect value={t.unitIds} onChange={(v) => set({ unitIds: v })} placeholder={s.targets.search} aria-label={s.targets.units} />)}
      {row(
        s.targets.zones,
        <Select<number[]>
          mode="multiple"
          value={t.zoneIds}
          onChange={(v) => set({ zoneIds: v })}
          placeholder={s.targets.search}
          loading={zones.isLoading}
          showSearch={{ optionFilterProp: 'label' }}
          options={(zones.data?.items ?? []).map((z) => ({ value: z.id, label: `${z.code} ${z.name}` }))}
          aria-label={s.targets.zones}
          maxTagCount="responsive"
          style={{ width: '100%' }}
        />,
      )}
      {row(
        s.targets.pointTypes,
        <Select<number[]>
          mode="multiple"
          value={t.pointTypeIds}
          onChange={(v) => set({ pointTypeIds: v })}
          loading={types.isLoading}
          options={(types.data ?? []).map((x) => ({ value: x.id, label: `${lang === 'en' ? x.nameEn : x.name} (${x.pointCount})` }))}
          showSearch={{ optionFilterProp: 'label' }}
          aria-label={s.targets.pointTypes}
          style={{ width: '100%' }}
        />,
      )}
      {row(
        s.targets.points,
        <Select<number[]>
          mode="multiple"
          value={t.pointIds}
          onChange={(v) => set({ pointIds: v })}
          placeholder={s.targets.search}
          loading={points.isLoading}
          showSearch={{ optionFilterProp: 'label' }}
          options={(points.data?.items ?? []).map((p) => ({ value: p.id, label: `${p.code} ${p.name}` }))}
          aria-label={s.targets.points}
          maxTagCount="responsive"
          style={{ width: '100%' }}
        />,
      )}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
/** The plan's windows on a month calendar: a green day lies in a window, its first day shows the minimum. */
export function PlanCalendar({ recurrence, startsOn, endsOn, s }: { recurrence: Recurrence | undefined; startsOn: string | null; endsOn: string | null; s: InspectionStrings }) {
  const [month, setMonth] = useState<Dayjs>(() => (startsOn && startsOn > todayIso() ? dayjs(startsOn) : cityDay()));
  const inPlan = (d: string) => (!startsOn || d >= startsOn) && (!endsOn || d <= endsOn);
  const monthWindows = useMemo(() => {
    if (!recurrence) return [];
    const from = iso(month.startOf('month'));
    const to = iso(month.endOf('month'));
    try {
      return windowsBetween(recurrence, from, to);
    } catch {
      return [];
    }
  }, [recurrence, month]);
  return (
    <div className="cc-plan-cal" data-testid="plan-calendar">
      <Calendar
        fullscreen={false}
        value={month}
        onPanelChange={(d) => setMonth(d)}
        onSelect={(d) => setMonth(d)}
        fullCellRender={(date, info) => {
          if (info.type !== 'date') return info.originNode;
          const d = iso(date);
          const w = recurrence ? windowOf(recurrence, d) : null;
          const on = w !== null && inPlan(d);
          const first = on && (w.start === d || d === iso(date.startOf('month')));
          const cell = (
            <div className={`ant-picker-cell-inner cc-plan-cal__day${on ? ' cc-plan-cal__day--on' : ''}`} data-window={on ? w.key : undefined}>
              <span>{date.date()}</span>
              {first && w.required > 1 && <sup className="cc-plan-cal__n">×{w.required}</sup>}
            </div>
          );
          return on ? (
            <Tooltip title={s.plans.windowTip(w.start, w.end, w.required)} mouseEnterDelay={0.3}>
              {cell}
            </Tooltip>
          ) : (
            cell
          );
        }}
      />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {monthWindows.length ? s.plans.calendarHint : s.plans.calendarEmpty}
      </Typography.Text>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
/** 新建 / 编辑检查计划, in a drawer. */
export function PlanEditor({ plan, open, onClose, s }: { plan: PlanView | null; open: boolean; onClose: () => void; s: InspectionStrings }) {
  const { message } = App.useApp();
  const { t } = useTranslation();
  const { me } = useAuth();
  const screens = Grid.useBreakpoint();
  const report = useReportError();
  const standards = useStandards();
  const { create, update } = usePlanMutations();
  const [form] = Form.useForm<FormValues>();
  const [formError, setFormError] = useState<string | null>(null);
  const recurrence = Form.useWatch('recurrence', form);
  const startsOn = Form.useWatch('startsOn', form);
  const endsOn = Form.useWatch('endsOn', form);
  const mode = Form.useWatch('mode', form);
  const isRecheck = Form.useWatch('kind', form) === 'recheck';
  const regions = useRegions(open);
  const categories = useCaseCategories(open);
  const lang = useLanguage();

  const editionOptions = useMemo(
    () =>
      (standards.data ?? [])
        .map((st) => ({
          label: st.name,
          title: st.name,
          options: st.editions.filter((e) => e.state === 'published' || e.id === plan?.edition?.id).map((e) => ({ value: e.id, label: `${st.name} · ${e.label}` })),
        }))
        .filter((g) => g.options.length > 0),
    [standards.data, plan],
  );

  const [lastOpen, setLastOpen] = useState(false);
  if (open !== lastOpen) {
    // Fill the form each time the drawer opens (render-time reset, no effect needed).
    setLastOpen(open);
    if (open) {
      setFormError(null);
      form.resetFields();
      form.setFieldsValue(
        plan
          ? {
              name: plan.name,
              kind: plan.kind,
              editionId: plan.edition?.id ?? null,
              mode: plan.mode,
              recurrence: plan.recurrence,
              targets: plan.targets,
              ownerUnitId: plan.ownerUnit.id,
              teamUserIds: plan.team.map((u) => u.id),
              startsOn: dayjs(plan.startsOn),
              endsOn: plan.endsOn ? dayjs(plan.endsOn) : null,
              reopenHours: plan.reopenHours,
              active: plan.active,
              recheckRegionIds: plan.recheck?.regionIds ?? [],
              recheckCategoryIds: plan.recheck?.categoryIds ?? [],
              samplePercent: plan.recheck?.samplePercent ?? 10,
            }
          : {
              name: '',
              kind: 'routine',
              mode: 'announced',
              recurrence: { type: 'weekly', atLeast: 1 },
              targets: NO_TARGETS,
              ownerUnitId: me?.unit.id ?? null,
              teamUserIds: [],
              startsOn: cityDay(),
              endsOn: null,
              reopenHours: 48,
              active: true,
              recheckRegionIds: [],
              recheckCategoryIds: [],
              samplePercent: 10,
            },
      );
    }
  }

  const save = async () => {
    setFormError(null);
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const recheck = v.kind === 'recheck';
    const body: CreatePlanBody = {
      name: v.name.trim(),
      kind: v.kind,
      // A re-check plan has no standard and no targets, only its sample.
      editionId: recheck ? null : v.editionId,
      mode: recheck ? 'announced' : v.mode,
      recurrence: v.recurrence,
      targets: recheck ? NO_TARGETS : v.targets,
      recheck: recheck ? { regionIds: v.recheckRegionIds ?? [], categoryIds: v.recheckCategoryIds ?? [], samplePercent: v.samplePercent ?? 0 } : null,
      ownerUnitId: v.ownerUnitId!,
      teamUserIds: v.teamUserIds,
      startsOn: v.startsOn.format(DATE),
      endsOn: v.endsOn ? v.endsOn.format(DATE) : null,
      reopenHours: v.reopenHours,
      active: v.active,
    };
    try {
      if (plan) await update.mutateAsync({ id: plan.id, body: { version: plan.version, ...body } });
      else await create.mutateAsync(body);
      void message.success(plan ? t('common.saved') : t('common.created'));
      onClose();
    } catch (err) {
      if (isApiError(err, 'CONFLICT')) {
        void message.warning(s.conflict);
        onClose();
        return;
      }
      // RECURRENCE_DATES is the once-window's dates, or the plan's own dates.
      const datesField = v.recurrence.type === 'once' && v.recurrence.from > v.recurrence.to ? 'recurrence' : 'endsOn';
      const codeFields = {
        PLAN_NO_TARGETS: 'targets',
        PLAN_TARGET_INVALID: 'targets',
        RECURRENCE_AT_LEAST: 'recurrence',
        RECURRENCE_DAYS: 'recurrence',
        RECURRENCE_DATES: datesField,
        EDITION_NOT_PUBLISHED: 'editionId',
        PLAN_TEAM_INVALID: 'teamUserIds',
        OUT_OF_SCOPE: 'ownerUnitId',
        PLAN_EDITION_REQUIRED: 'editionId',
        PLAN_RECHECK_EDITION: 'editionId',
        PLAN_RECHECK_PERCENT: 'samplePercent',
        PLAN_RECHECK_SPEC_REQUIRED: 'samplePercent',
        PLAN_RECHECK_RECURRENCE: 'recurrence',
        PLAN_RECHECK_SCOPE_INVALID: 'recheckRegionIds',
      };
      if (err instanceof ApiError && err.code in codeFields) setFormError(err.message || null);
      report(topLevel(err), form, { fields: FIELDS, codeFields });
    }
  };

  return (
    <Drawer
      open={open}
      title={plan ? s.plans.edit : s.plans.add}
      size={screens.md ? 760 : '100%'}
      onClose={onClose}
      forceRender
      destroyOnHidden={false}
      extra={
        <Button type="primary" onClick={() => void save()} loading={create.isPending || update.isPending} data-testid="plan-save">
          {t('common.save')}
        </Button>
      }
    >
      {formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 16 }} data-testid="plan-form-error" />}
      <Form<FormValues> form={form} layout="vertical" data-testid="plan-form" onValuesChange={() => formError && setFormError(null)}>
        <Row gutter={12}>
          <Col xs={24} sm={14}>
            <Form.Item name="name" label={s.plans.name} rules={[{ required: true, whitespace: true, message: s.required }, { max: 100 }]}>
              <Input maxLength={100} data-testid="plan-name" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={10}>
            <Form.Item name="kind" label={s.plans.kind} rules={[{ required: true }]}>
              <Select options={PLAN_KINDS.map((k) => ({ value: k, label: s.kinds[k] }))} aria-label={s.plans.kind} />
            </Form.Item>
          </Col>
        </Row>
        {isRecheck ? (
          <>
            <Alert type="info" showIcon title={s.plans.recheckRule} style={{ marginBottom: 16 }} data-testid="plan-recheck-rule" />
            <Row gutter={12}>
              <Col xs={24} sm={16}>
                <Form.Item name="recheckRegionIds" label={s.plans.recheckScope} extra={s.plans.recheckScopeHint}>
                  <Select<number[]>
                    mode="multiple"
                    loading={regions.isLoading}
                    showSearch={{ optionFilterProp: 'label' }}
                    options={(regions.data?.items ?? []).filter((r) => r.level === 'street' || r.level === 'community').map((r) => ({ value: r.id, label: r.name }))}
                    placeholder={s.plans.cityWide}
                    aria-label={s.plans.recheckScope}
                    maxTagCount="responsive"
                    data-testid="plan-recheck-regions"
                  />
                </Form.Item>
              </Col>
              <Col xs={24} sm={8}>
                <Form.Item
                  name="samplePercent"
                  label={s.plans.recheckPercent}
                  rules={[{ required: true, message: s.plans.recheckPercentRange }, { type: 'integer', min: 1, max: 100, message: s.plans.recheckPercentRange }]}
                >
                  <InputNumber suffix="%" style={{ width: '100%' }} aria-label={s.plans.recheckPercent} data-testid="plan-recheck-percent" />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item name="recheckCategoryIds" label={s.plans.recheckCategories} extra={s.plans.recheckCategoriesHint}>
              <Select<number[]>
                mode="multiple"
                loading={categories.isLoading}
                showSearch={{ optionFilterProp: 'label' }}
                options={(categories.data ?? []).map((c) => ({ value: c.id, label: `${c.code} ${lang === 'en' ? c.nameEn : c.name}` }))}
                aria-label={s.plans.recheckCategories}
                maxTagCount="responsive"
                data-testid="plan-recheck-categories"
              />
            </Form.Item>
          </>
        ) : (
          <>
            <Form.Item name="editionId" label={s.plans.edition} rules={[{ required: true, message: s.required }]}>
              <Select
                options={editionOptions}
                placeholder={s.plans.editionPlaceholder}
                loading={standards.isLoading}
                showSearch={{ optionFilterProp: 'label' }}
                aria-label={s.plans.edition}
                data-testid="plan-edition"
              />
            </Form.Item>
            <Form.Item name="mode" label={s.plans.mode} extra={mode === 'unannounced' ? s.plans.unannouncedHint : undefined}>
              <Radio.Group optionType="button" options={(['announced', 'unannounced'] as const).map((m) => ({ value: m, label: s.modes[m] }))} />
            </Form.Item>
          </>
        )}
        <Row gutter={16}>
          <Col xs={24} lg={13}>
            <Form.Item
              name="recurrence"
              label={s.plans.recurrence}
              dependencies={['kind']}
              rules={[
                { required: true },
                ({ getFieldValue }) => ({
                  validator: (_, r?: Recurrence) => (getFieldValue('kind') === 'recheck' && r?.type === 'once' ? Promise.reject(new Error(s.plans.recheckOnce)) : Promise.resolve()),
                }),
              ]}
            >
              <RecurrenceEditor s={s} />
            </Form.Item>
            <Row gutter={12}>
              <Col span={12}>
                <Form.Item name="startsOn" label={s.plans.startsOn} rules={[{ required: true, message: s.required }]}>
                  <DatePicker style={{ width: '100%' }} allowClear={false} />
                </Form.Item>
              </Col>
              <Col span={12}>
                <Form.Item name="endsOn" label={s.plans.endsOn}>
                  <DatePicker style={{ width: '100%' }} placeholder={s.plans.openEnded} />
                </Form.Item>
              </Col>
            </Row>
          </Col>
          <Col xs={24} lg={11}>
            <Form.Item label={s.plans.calendar}>
              <PlanCalendar recurrence={recurrence} startsOn={startsOn ? iso(startsOn) : null} endsOn={endsOn ? iso(endsOn) : null} s={s} />
            </Form.Item>
          </Col>
        </Row>
        {!isRecheck && (
          <Form.Item name="targets" label={s.plans.targets}>
            <TargetsEditor s={s} />
          </Form.Item>
        )}
        <Row gutter={12}>
          <Col xs={24} sm={12}>
            <Form.Item name="ownerUnitId" label={s.plans.owner} rules={[{ required: true, message: s.required }]}>
              <UnitSelect aria-label={s.plans.owner} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12} style={isRecheck ? { display: 'none' } : undefined}>
            <Form.Item name="reopenHours" label={s.plans.reopenHours} extra={s.plans.reopenHoursHint} rules={[{ required: true, type: 'integer', min: 0, max: 720, message: s.plans.reopenHoursRange }]}>
              <InputNumber suffix={s.plans.hours} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="teamUserIds" label={s.plans.team} extra={isRecheck ? s.plans.recheckTeamHint : s.plans.teamHint}>
          <UserMultiSelect known={plan?.team ?? []} placeholder={s.targets.search} aria-label={s.plans.team} />
        </Form.Item>
        <Form.Item name="active" label={s.plans.active} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
