import { useEffect, useMemo, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { App, Button, Card, Empty, Input, Spin, Tag, Typography } from 'antd';
import { RightOutlined } from '@ant-design/icons';
import { cityTime } from '../../lib/time';
import type { TaskView } from '@cc/domain';
import { errorMessage } from '../../lib/errors';
import { useLanguage } from '../../i18n';
import { useTranslation } from 'react-i18next';
import { isReadOnly, sheetStatus, todayLocal, useLocalSheets, useTasks, type SheetStatus } from './hooks';
import { putSheet, type LocalSheet } from './store';
import { useFieldStrings, type FieldStrings } from './strings';
import { adoptServerSheet, newSheet } from './sync';
import { fieldApi, fieldKeys } from './api';
import { useRecheckTasks } from './recheckTasks';

const sameTarget = (s: LocalSheet, t: TaskView) =>
  s.planId === t.plan.id && s.target.kind === t.target.kind && s.target.id === t.target.id && s.inspectedOn >= t.window.start && s.inspectedOn <= t.window.end;

export function StatusTag({ status, s }: { status: SheetStatus; s: FieldStrings }) {
  const color = { draft: 'blue', pending: 'orange', queued: 'orange', submitted: 'green', error: 'red' }[status];
  return (
    <Tag color={color} data-testid={`badge-${status}`} className="cc-field__tag">
      {s.badge[status]}
    </Tag>
  );
}

/** Today's inspections, grouped by plan, with what the phone holds for each. */
export function TaskList({ owner }: { owner: string }) {
  const s = useFieldStrings();
  const { t } = useTranslation();
  const lang = useLanguage();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const today = todayLocal();
  const tasks = useTasks(owner, today);
  const local = useLocalSheets(owner);
  const rechecks = useRecheckTasks(owner);
  const [q, setQ] = useState('');
  const qc = useQueryClient();

  // While online, keep the standards of today's plans on the phone so every sheet opens offline.
  const editionIds = [...new Set((tasks.data?.value ?? []).map((x) => x.plan.editionId))].join(',');
  useEffect(() => {
    if (!editionIds || tasks.data?.cachedAt) return;
    for (const id of editionIds.split(',').map(Number)) {
      void qc.prefetchQuery({ queryKey: fieldKeys.edition(id), queryFn: () => fieldApi.edition(id), staleTime: 10 * 60_000, networkMode: 'always' });
    }
  }, [editionIds, tasks.data?.cachedAt, qc]);
  const [opening, setOpening] = useState<string | null>(null);

  const groups = useMemo(() => {
    const list = (tasks.data?.value ?? []).filter((x) => !q.trim() || x.target.name.includes(q.trim()));
    const by = new Map<number, { plan: TaskView['plan']; tasks: TaskView[] }>();
    for (const x of list) {
      const g = by.get(x.plan.id) ?? { plan: x.plan, tasks: [] };
      g.tasks.push(x);
      by.set(x.plan.id, g);
    }
    return [...by.values()];
  }, [tasks.data, q]);

  const sheets = local.data ?? [];
  // Sheets on the phone that today's list does not show (submitted and synced, or from earlier days).
  const others = sheets.filter((x) => !(tasks.data?.value ?? []).some((task) => sameTarget(x, task)));

  const open = async (task: TaskView) => {
    const id = `${task.plan.id}:${task.target.kind}:${task.target.id}`;
    setOpening(id);
    try {
      const mine = sheets.find((x) => sameTarget(x, task) && !(x.server?.state === 'submitted' && !x.pending));
      if (mine) return navigate(`/field/sheet/${mine.clientKey}`);
      if (task.draft) {
        const known = sheets.find((x) => x.clientKey === task.draft!.clientKey);
        if (known) {
          // The office sent a submitted sheet back: the phone's copy is editable again.
          if (known.server?.state === 'submitted') await putSheet({ ...known, submit: false, server: { ...known.server, state: 'reopened' } });
          return navigate(`/field/sheet/${known.clientKey}`);
        }
        const adopted = await adoptServerSheet(owner, task, task.draft.id);
        return navigate(`/field/sheet/${adopted.clientKey}`);
      }
      const sheet = newSheet(owner, task, today);
      await putSheet(sheet);
      navigate(`/field/sheet/${sheet.clientKey}`);
    } catch (err) {
      void message.error(task.draft ? s.openFailed : errorMessage(err, t, lang));
    } finally {
      setOpening(null);
    }
  };

  return (
    <div className="cc-field__list" data-testid="field-list">
      <div className="cc-field__head">
        <Typography.Title level={4} className="cc-field__title">
          {s.title}
        </Typography.Title>
        <Typography.Text type="secondary">{s.today(today)}</Typography.Text>
      </div>
      {tasks.data?.cachedAt && (
        <Typography.Text type="warning" className="cc-field__cached" data-testid="field-cached">
          {s.cachedAt(cityTime(tasks.data.cachedAt).format('MM-DD HH:mm'))}
        </Typography.Text>
      )}
      <Input.Search allowClear placeholder={s.search} value={q} onChange={(e) => setQ(e.target.value)} className="cc-field__search" />
      {tasks.isPending && <Spin className="cc-field__spin" />}
      {tasks.isError && (
        <Card size="small">
          <Typography.Text type="danger">{s.loadFailed}：{errorMessage(tasks.error, t, lang)}</Typography.Text>
          <Button size="small" type="link" onClick={() => void tasks.refetch()}>
            {s.retry}
          </Button>
        </Card>
      )}
      {(rechecks.data ?? []).length > 0 && (
        // 回头看计划: recorded on the 回头看 page, filtered to the plan's pending re-checks.
        <Card size="small" className="cc-field__plan" title={s.rechecks} data-testid="field-rechecks">
          {(rechecks.data ?? []).map((r) => (
            <button
              type="button"
              key={r.plan.id}
              className="cc-field__task"
              data-testid="field-recheck-task"
              onClick={() => navigate(`/rechecks?planId=${r.plan.id}`)}
            >
              <span className="cc-field__task-main">
                <span className="cc-field__task-name">{r.plan.name}</span>
                <span className="cc-field__task-meta">{s.recheckTask(r.pending, r.dueDate, r.overdue)}</span>
              </span>
              <RightOutlined className="cc-field__chev" />
            </button>
          ))}
        </Card>
      )}
      {tasks.isSuccess && groups.length === 0 && !(rechecks.data ?? []).length && <Empty description={s.noTasks} />}
      {groups.map((g) => (
        <Card
          key={g.plan.id}
          size="small"
          className="cc-field__plan"
          data-testid="field-plan"
          data-plan={g.plan.name}
          title={
            <span className="cc-field__plan-title">
              {g.plan.name}
              {g.plan.mode === 'unannounced' && <Tag color="purple">{s.unannounced}</Tag>}
            </span>
          }
          extra={<Typography.Text type="secondary">{g.tasks.length}</Typography.Text>}
        >
          {g.tasks.map((task) => {
            const id = `${task.plan.id}:${task.target.kind}:${task.target.id}`;
            const mine = sheets.find((x) => sameTarget(x, task) && !isReadOnly(x));
            const queued = sheets.filter((x) => sameTarget(x, task) && isReadOnly(x));
            return (
              <button
                type="button"
                key={id}
                className="cc-field__task"
                data-testid="field-task"
                data-target={task.target.name}
                onClick={() => void open(task)}
                disabled={opening !== null}
              >
                <span className="cc-field__task-main">
                  <span className="cc-field__task-name">{task.target.name}</span>
                  <span className="cc-field__task-meta">
                    {s.kinds[task.target.kind]} · {s.window(task.window.start, task.window.end)} · {s.done(task.done, task.window.required)}
                  </span>
                  <span className="cc-field__task-tags">
                    {mine ? <StatusTag status={sheetStatus(mine)} s={s} /> : task.draft ? <StatusTag status="draft" s={s} /> : null}
                    {queued.map((x) => <StatusTag key={x.clientKey} status={sheetStatus(x)} s={s} />)}
                  </span>
                </span>
                {opening === id ? <Spin size="small" /> : <RightOutlined className="cc-field__chev" />}
              </button>
            );
          })}
        </Card>
      ))}
      {others.length > 0 && (
        <Card size="small" className="cc-field__plan" title={s.localOnly} data-testid="field-local">
          {others.map((x) => (
            <button type="button" key={x.clientKey} className="cc-field__task" data-testid="field-local-sheet" data-target={x.target.name} onClick={() => navigate(`/field/sheet/${x.clientKey}`)}>
              <span className="cc-field__task-main">
                <span className="cc-field__task-name">{x.target.name}</span>
                <span className="cc-field__task-meta">
                  {x.planName} · {x.inspectedOn}
                  {x.server?.number ? ` · ${x.server.number}` : ''}
                </span>
                <span className="cc-field__task-tags">
                  <StatusTag status={sheetStatus(x)} s={s} />
                </span>
              </span>
              <RightOutlined className="cc-field__chev" />
            </button>
          ))}
        </Card>
      )}
    </div>
  );
}
