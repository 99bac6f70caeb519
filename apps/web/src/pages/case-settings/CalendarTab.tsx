import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Form, Input, Segmented, Skeleton, Space, Tag, TimePicker, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import type { HolidayYearView } from '@cc/domain';
import { useCaseSettings, useHolidayYears, useSaveCaseSettings, useSaveHolidayYear } from '../../api/caseSettings';
import { ApiError } from '../../api/client';
import { QueryError } from '../../components/QueryError';
import { useReportError } from '../../lib/useReportError';
import { topLevelFields } from './common';
import { fill, type CaseSettingsStrings } from './strings';
import { cityDay } from '../../lib/time';

// ---------------- office hours ----------------

interface Period {
  start: Dayjs | null;
  end: Dayjs | null;
}
const toTime = (hhmm: string) => dayjs(`2000-01-01T${hhmm}:00`);
const minutesOf = (d: Dayjs) => d.hour() * 60 + d.minute();

function OfficeHoursCard({ s, canEdit }: { s: CaseSettingsStrings; canEdit: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useReportError();
  const settings = useCaseSettings();
  const save = useSaveCaseSettings();
  const [form] = Form.useForm<{ officeHours: Period[] }>();
  const periods = Form.useWatch('officeHours', form);

  useEffect(() => {
    if (settings.data) form.setFieldsValue({ officeHours: settings.data.officeHours.map((p) => ({ start: toTime(p.start), end: toTime(p.end) })) });
  }, [settings.data, form]);

  // Compare clock times only: a typed time carries today's date, a loaded one another.
  const total = (periods ?? []).reduce((sum, p) => (p?.start && p?.end && minutesOf(p.end) > minutesOf(p.start) ? sum + minutesOf(p.end) - minutesOf(p.start) : sum), 0);

  const onSave = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v || !settings.data) return;
    const officeHours = v.officeHours.map((p) => ({ start: p.start!.format('HH:mm'), end: p.end!.format('HH:mm') }));
    try {
      await save.mutateAsync({ ...settings.data, officeHours });
      void message.success(t('common.saved'));
    } catch (err) {
      report(topLevelFields(err), form, { fields: ['officeHours'] });
    }
  };

  if (settings.isError) return <QueryError error={settings.error} onRetry={() => void settings.refetch()} />;
  return (
    <Card
      title={s.hours.title}
      extra={
        canEdit && (
          <Button type="primary" onClick={() => void onSave()} loading={save.isPending} disabled={!settings.data} data-testid="office-hours-save">
            {t('common.save')}
          </Button>
        )
      }
    >
      <Typography.Paragraph type="secondary">{s.hours.intro}</Typography.Paragraph>
      {!settings.data ? (
        <Skeleton active />
      ) : (
        <Form form={form} layout="inline" disabled={!canEdit} data-testid="office-hours-form">
          <Form.List
            name="officeHours"
            rules={[
              {
                validator: async (_, list: Period[] | undefined) => {
                  const xs = (list ?? []).filter((p) => p?.start && p?.end);
                  const bad = xs.some((p, i) => minutesOf(p.end!) <= minutesOf(p.start!) || (i > 0 && minutesOf(p.start!) < minutesOf(xs[i - 1]!.end!)));
                  if (bad) throw new Error(s.hours.order);
                },
              },
            ]}
          >
            {(fields, { add, remove }, { errors }) => (
              <div style={{ display: 'flex', flexDirection: 'column', gap: 8, width: '100%' }}>
                {fields.map((f, i) => (
                  <Space key={f.key} align="baseline" wrap>
                    <Typography.Text style={{ minWidth: 56, display: 'inline-block' }}>{fill(s.hours.period, { n: i + 1 })}</Typography.Text>
                    <Form.Item name={[f.name, 'start']} rules={[{ required: true, message: s.hours.required }]} style={{ margin: 0 }}>
                      <TimePicker format="HH:mm" minuteStep={5} needConfirm={false} placeholder={s.hours.start} aria-label={`${fill(s.hours.period, { n: i + 1 })} ${s.hours.start}`} />
                    </Form.Item>
                    <span>–</span>
                    <Form.Item name={[f.name, 'end']} rules={[{ required: true, message: s.hours.required }]} style={{ margin: 0 }}>
                      <TimePicker format="HH:mm" minuteStep={5} needConfirm={false} placeholder={s.hours.end} aria-label={`${fill(s.hours.period, { n: i + 1 })} ${s.hours.end}`} />
                    </Form.Item>
                    {canEdit && fields.length > 1 && (
                      <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={s.hours.remove} title={s.hours.remove} />
                    )}
                  </Space>
                ))}
                <Form.Item style={{ margin: 0 }}>
                  <Form.ErrorList errors={errors} />
                </Form.Item>
                <Space>
                  {canEdit && fields.length < 4 && (
                    <Button icon={<PlusOutlined />} onClick={() => add({ start: null, end: null })}>
                      {s.hours.add}
                    </Button>
                  )}
                  <Typography.Text type="secondary">{s.hours.perDay((total / 60).toFixed(total % 60 ? 1 : 0))}</Typography.Text>
                </Space>
              </div>
            )}
          </Form.List>
        </Form>
      )}
    </Card>
  );
}

// ---------------- holiday calendar ----------------

interface HolidayRange {
  id: number;
  name: string;
  range: [Dayjs, Dayjs] | null;
}
interface Workday {
  id: number;
  name: string;
  date: Dayjs | null;
}
let nextId = 1;

/** Consecutive days with the same name become one range: 春节 1月28日–2月4日. */
function toRanges(days: HolidayYearView['holidays']): HolidayRange[] {
  const sorted = [...days].sort((a, b) => a.date.localeCompare(b.date));
  const out: HolidayRange[] = [];
  for (const d of sorted) {
    const day = dayjs(d.date);
    const last = out[out.length - 1];
    if (last && last.name === d.name && last.range && last.range[1].add(1, 'day').isSame(day, 'day')) last.range = [last.range[0], day];
    else out.push({ id: nextId++, name: d.name, range: [day, day] });
  }
  return out;
}

function expand(ranges: HolidayRange[]): { date: string; name: string }[] {
  const out: { date: string; name: string }[] = [];
  for (const r of ranges) {
    if (!r.range) continue;
    for (let d = r.range[0]; !d.isAfter(r.range[1], 'day'); d = d.add(1, 'day')) out.push({ date: d.format('YYYY-MM-DD'), name: r.name.trim() });
  }
  return out;
}

const rangeText = (r: [Dayjs, Dayjs]) => (r[0].isSame(r[1], 'day') ? r[0].format('M/D') : `${r[0].format('M/D')}–${r[1].format('M/D')}`);

function YearEditor({ view, s, canEdit }: { view: HolidayYearView; s: CaseSettingsStrings; canEdit: boolean }) {
  const { message } = App.useApp();
  const report = useReportError();
  const save = useSaveHolidayYear();
  const [holidays, setHolidays] = useState<HolidayRange[]>(() => toRanges(view.holidays));
  const [workdays, setWorkdays] = useState<Workday[]>(() => view.workdays.map((w) => ({ id: nextId++, name: w.name, date: dayjs(w.date) })));
  const [problems, setProblems] = useState<string[]>([]);
  const year = view.year;
  const inYear = (d: Dayjs) => d.year() === year;
  const disabledDate = (d: Dayjs) => !inYear(d);
  const pickerValue = dayjs(`${year}-01-01`);

  const check = (): string[] => {
    const out: string[] = [];
    holidays.forEach((h) => {
      if (!h.name.trim()) out.push(`${s.cal.holidays}: ${s.cal.nameRequired}`);
      if (!h.range) out.push(`${s.cal.holidays} ${h.name}: ${s.cal.datesRequired}`);
      else if (!inYear(h.range[0]) || !inYear(h.range[1])) out.push(`${s.cal.holidays} ${h.name}: ${fill(s.cal.outsideYear, { year })}`);
    });
    workdays.forEach((w) => {
      if (!w.name.trim()) out.push(`${s.cal.workdays}: ${s.cal.nameRequired}`);
      if (!w.date) out.push(`${s.cal.workdays} ${w.name}: ${s.cal.datesRequired}`);
      else if (!inYear(w.date)) out.push(`${s.cal.workdays} ${w.name}: ${fill(s.cal.outsideYear, { year })}`);
    });
    return out;
  };

  const onSave = async () => {
    const p = check();
    setProblems(p);
    if (p.length) return;
    try {
      await save.mutateAsync({
        year,
        body: { holidays: expand(holidays), workdays: workdays.map((w) => ({ date: w.date!.format('YYYY-MM-DD'), name: w.name.trim() })) },
      });
      void message.success(fill(s.cal.saved, { year }));
    } catch (err) {
      const e = topLevelFields(err);
      if (e instanceof ApiError && e.fieldProblems.length) setProblems(e.fieldProblems.map((f) => f.message || e.message));
      else report(err);
    }
  };

  const totalDays = expand(holidays).length;
  return (
    <div data-testid={`holiday-year-${year}`}>
      <Space wrap style={{ marginBottom: 12 }}>
        <Tag color={view.source === 'city' ? 'blue' : view.source === 'shipped' ? 'default' : 'orange'} data-testid="holiday-source">
          {s.cal.source[view.source]}
        </Tag>
        <Typography.Text type="secondary">{s.cal.sourceHint[view.source]}</Typography.Text>
      </Space>

      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {s.cal.holidays} <Typography.Text type="secondary">{fill(s.cal.days, { n: totalDays })}</Typography.Text>
      </Typography.Title>
      {holidays.length === 0 && <Typography.Paragraph type="secondary">{s.cal.noHolidays}</Typography.Paragraph>}
      <div style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
        {holidays.map((h) => (
          <Space key={h.id} wrap align="center">
            <Input
              value={h.name}
              onChange={(e) => setHolidays((xs) => xs.map((x) => (x.id === h.id ? { ...x, name: e.target.value } : x)))}
              placeholder={s.cal.namePlaceholder}
              maxLength={20}
              style={{ width: 140 }}
              disabled={!canEdit}
              aria-label={s.cal.holidayName}
            />
            <DatePicker.RangePicker
              value={h.range}
              onChange={(r) => setHolidays((xs) => xs.map((x) => (x.id === h.id ? { ...x, range: r && r[0] && r[1] ? [r[0], r[1]] : null } : x)))}
              disabledDate={disabledDate}
              defaultPickerValue={[pickerValue, pickerValue]}
              disabled={!canEdit}
              allowClear={false}
              aria-label={s.cal.dates}
            />
            {h.range && <Typography.Text type="secondary">{fill(s.cal.days, { n: h.range[1].diff(h.range[0], 'day') + 1 })}</Typography.Text>}
            {canEdit && (
              <Button type="text" danger icon={<DeleteOutlined />} onClick={() => setHolidays((xs) => xs.filter((x) => x.id !== h.id))} aria-label={`${s.cal.holidays} ${h.name} ${h.range ? rangeText(h.range) : ''}`} />
            )}
          </Space>
        ))}
      </div>
      {canEdit && (
        <Button style={{ marginTop: 8 }} icon={<PlusOutlined />} onClick={() => setHolidays((xs) => [...xs, { id: nextId++, name: '', range: null }])}>
          {s.cal.addHoliday}
        </Button>
      )}

      <Typography.Title level={5}>{s.cal.workdays}</Typography.Title>
      {workdays.length === 0 && <Typography.Paragraph type="secondary">{s.cal.noWorkdays}</Typography.Paragraph>}
      <div style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
        {workdays.map((w) => {
          const weekday = w.date && w.date.day() !== 0 && w.date.day() !== 6;
          return (
            <Space key={w.id} wrap align="center">
              <Input
                value={w.name}
                onChange={(e) => setWorkdays((xs) => xs.map((x) => (x.id === w.id ? { ...x, name: e.target.value } : x)))}
                placeholder={s.cal.workdayNamePlaceholder}
                maxLength={20}
                style={{ width: 140 }}
                disabled={!canEdit}
                aria-label={s.cal.holidayName}
              />
              <DatePicker
                value={w.date}
                onChange={(d) => setWorkdays((xs) => xs.map((x) => (x.id === w.id ? { ...x, date: d } : x)))}
                disabledDate={disabledDate}
                defaultPickerValue={pickerValue}
                disabled={!canEdit}
                format="YYYY-MM-DD ddd"
                aria-label={s.cal.dates}
              />
              {weekday && <Typography.Text type="warning">{fill(s.cal.weekdayWarn, { date: w.date!.format('M/D') })}</Typography.Text>}
              {canEdit && <Button type="text" danger icon={<DeleteOutlined />} onClick={() => setWorkdays((xs) => xs.filter((x) => x.id !== w.id))} aria-label={`${s.cal.workdays} ${w.name}`} />}
            </Space>
          );
        })}
      </div>
      {canEdit && (
        <Button style={{ marginTop: 8 }} icon={<PlusOutlined />} onClick={() => setWorkdays((xs) => [...xs, { id: nextId++, name: '', date: null }])}>
          {s.cal.addWorkday}
        </Button>
      )}

      {problems.length > 0 && (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 16 }}
          title={problems.length === 1 ? problems[0] : undefined}
          description={problems.length > 1 ? <ul style={{ margin: 0, paddingLeft: 18 }}>{problems.map((p, i) => <li key={i}>{p}</li>)}</ul> : undefined}
          data-testid="holiday-problems"
        />
      )}
      {canEdit && (
        <div style={{ marginTop: 16 }}>
          <Button type="primary" onClick={() => void onSave()} loading={save.isPending} data-testid="holiday-save">
            {fill(s.cal.saveYear, { year })}
          </Button>
        </div>
      )}
    </div>
  );
}

function HolidayCard({ s, canEdit }: { s: CaseSettingsStrings; canEdit: boolean }) {
  const years = useHolidayYears();
  const [drafts, setDrafts] = useState<number[]>([]);
  const views = useMemo<HolidayYearView[]>(() => {
    const list = [...(years.data ?? [])];
    for (const y of drafts) if (!list.some((v) => v.year === y)) list.push({ year: y, source: 'none', holidays: [], workdays: [] });
    return list.sort((a, b) => a.year - b.year);
  }, [years.data, drafts]);
  const thisYear = cityDay().year();
  const [selected, setSelected] = useState<number | null>(null);
  const current = views.find((v) => v.year === selected) ?? views.find((v) => v.year === thisYear) ?? views[views.length - 1];
  const nextYear = Math.max(thisYear, ...views.map((v) => v.year)) + 1;

  if (years.isError) return <QueryError error={years.error} onRetry={() => void years.refetch()} />;
  return (
    <Card title={s.cal.title} style={{ marginTop: 16 }}>
      <Typography.Paragraph type="secondary">{s.cal.intro}</Typography.Paragraph>
      {!years.data ? (
        <Skeleton active />
      ) : (
        <>
          <Space wrap style={{ marginBottom: 16 }}>
            <Segmented<number>
              value={current?.year}
              onChange={setSelected}
              options={views.map((v) => ({ value: v.year, label: String(v.year) }))}
              aria-label={s.cal.year}
              data-testid="holiday-years"
            />
            {canEdit && (
              <Button
                icon={<PlusOutlined />}
                onClick={() => {
                  setDrafts((d) => [...d, nextYear]);
                  setSelected(nextYear);
                }}
              >
                {fill(s.cal.addYear, { year: nextYear })}
              </Button>
            )}
          </Space>
          {/* Keyed by year and source: a saved year starts again from what the server now holds. */}
          {current && <YearEditor key={`${current.year}-${current.source}-${years.dataUpdatedAt}`} view={current} s={s} canEdit={canEdit} />}
        </>
      )}
    </Card>
  );
}

/** 办公时间与节假日: the periods working hours count in, and each year's holidays and 调休 days. */
export function CalendarTab({ s, canEdit }: { s: CaseSettingsStrings; canEdit: boolean }) {
  return (
    <>
      <OfficeHoursCard s={s} canEdit={canEdit} />
      <HolidayCard s={s} canEdit={canEdit} />
    </>
  );
}
