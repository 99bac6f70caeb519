import { useEffect, useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, InputNumber, Spin, Switch, Tag, Typography } from 'antd';
import { ArrowLeftOutlined, CameraOutlined, DeleteOutlined, DisconnectOutlined, EnvironmentOutlined, MinusCircleOutlined, WarningOutlined } from '@ant-design/icons';
import {
  applicableItems, ERROR_MESSAGES, formatMessage, scoreSheet, targetTokens,
  type ErrorCode, type ScoredItem, type StandardNodeView,
} from '@cc/domain';
import { useLanguage } from '../../i18n';
import { FindingForm, locate, useThumbs } from './FindingForm';
import { isReadOnly, sheetStatus, useEdition, useLocalSheet } from './hooks';
import { deleteSheet, photosOf, updateSheet, type ItemEntry, type LocalSheet } from './store';
import { useFieldStrings } from './strings';
import { syncNow, useOnline } from './sync';
import { StatusTag } from './TaskList';

type Item = StandardNodeView & { key: string; parentKey: string | null };
const fmt = (n: number) => String(Math.round(n * 100) / 100);

/** The score sheet of one target: items by section, live total, deductions with photos. */
export function SheetView({ sheetKey, owner }: { sheetKey: string; owner: string }) {
  const s = useFieldStrings();
  const lang = useLanguage();
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const online = useOnline();
  const sheetQ = useLocalSheet(sheetKey);
  const sheet = sheetQ.data ?? null;
  const edition = useEdition(sheet?.editionId);
  const [formFor, setFormFor] = useState<Item | null>(null);
  const [localErrors, setLocalErrors] = useState<Record<string, string[]>>({});
  const readOnly = sheet ? isReadOnly(sheet) : true;

  // Where the inspector stands when the sheet opens (kept with the sheet; not a change to sync).
  useEffect(() => {
    if (!sheet || readOnly || sheet.lat !== null) return;
    let live = true;
    void locate().then((g) => {
      if (live && g.state === 'ok') void updateSheet(sheetKey, (cur) => (cur.lat === null ? { ...cur, lat: g.lat, lng: g.lng } : null));
    });
    return () => {
      live = false;
    };
    // Once per opened sheet.
  }, [sheetKey, Boolean(sheet), readOnly]);

  const model = useMemo(() => {
    if (!sheet || !edition.data) return null;
    const nodes: Item[] = edition.data.value.nodes.map((n) => ({ ...n, key: String(n.id), parentKey: n.parentId === null ? null : String(n.parentId) }));
    const t = sheet.target;
    const tokens = targetTokens(t.kind === 'unit' ? { kind: 'unit', unitKind: t.subtype } : t.kind === 'zone' ? { kind: 'zone' } : { kind: 'point', pointType: t.subtype });
    const items = applicableItems(nodes, tokens);
    const sections: { section: Item | null; items: Item[] }[] = [];
    for (const it of items) {
      const sec = nodes.find((n) => n.id === it.parentId && n.kind === 'section') ?? null;
      const last = sections[sections.length - 1];
      if (last && last.section?.id === sec?.id) last.items.push(it);
      else sections.push({ section: sec, items: [it] });
    }
    const criteria = (it: Item) => nodes.filter((n) => n.parentId === it.id && n.kind === 'criterion');
    const scored: ScoredItem[] = items.map((i) => ({ key: i.key, code: i.code, points: i.points ?? 0, method: i.method ?? 'deduct', floor: i.floor, naAllowed: i.naAllowed, veto: i.veto }));
    return { nodes, items, sections, criteria, scored };
  }, [sheet, edition.data]);

  const photosQ = useQuery({ queryKey: ['field', 'local', 'photos', sheetKey], queryFn: () => photosOf(sheetKey), networkMode: 'always', staleTime: Infinity });

  if (sheetQ.isPending) return <Spin className="cc-field__spin" />;
  if (!sheet) return <Empty description={s.sheetMissing}><Button onClick={() => navigate('/field')}>{s.back}</Button></Empty>;

  const entries = Object.entries(sheet.items).map(([key, e]) => ({ key, ...e }));
  const result = model ? scoreSheet(model.scored, entries.filter((e) => model.scored.some((x) => x.key === e.key)), sheet.findings.map((f) => ({ itemKey: String(f.itemNodeId), points: f.points }))) : null;

  /** Every change is kept on the phone at once and put in the outbox. */
  const edit = (fn: (cur: LocalSheet) => LocalSheet) =>
    updateSheet(sheetKey, (cur) => (isReadOnly(cur) ? null : { ...fn(cur), pending: true, rev: cur.rev + 1, updatedAt: new Date().toISOString() }));
  const setEntry = (id: number, patch: Partial<ItemEntry>) => {
    setLocalErrors((e) => ({ ...e, [`id:${id}`]: [] }));
    void edit((cur) => ({ ...cur, items: { ...cur.items, [String(id)]: { ...cur.items[String(id)], ...patch } } }));
  };

  const problemText = (code: string, params: Record<string, string | number>) =>
    code in ERROR_MESSAGES ? formatMessage(code as ErrorCode, lang, params) : code;

  const saveDraft = async () => {
    await edit((cur) => ({ ...cur, submit: false }));
    void message.success(s.savedLocal);
    if (online) void syncNow(owner);
  };

  const submit = () => {
    if (!model || !result) return;
    // The checks the server makes, made on the phone first (it may be offline).
    const check = scoreSheet(model.scored, entries.filter((e) => model.scored.some((x) => x.key === e.key)), sheet.findings.map((f) => ({ itemKey: String(f.itemNodeId), points: f.points })), { complete: true });
    const errs: Record<string, string[]> = {};
    const add = (k: string, m: string) => { errs[k] = [...(errs[k] ?? []), m]; };
    for (const p of check.problems) add(`id:${p.itemKey}`, problemText(p.problem, p.params));
    for (const f of sheet.findings) {
      const item = model.items.find((i) => i.id === f.itemNodeId);
      const crit = model.nodes.find((n) => n.id === f.criterionNodeId);
      if (item && (crit?.evidenceRequired || item.evidenceRequired) && f.photoKeys.length === 0) add(`id:${item.id}`, problemText('INSPECTION_PHOTO_REQUIRED', { code: item.code }));
    }
    setLocalErrors(errs);
    const n = Object.values(errs).reduce((t, l) => t + l.length, 0);
    if (n) {
      void message.error(s.fixFirst(n));
      const first = Object.keys(errs)[0]!;
      document.querySelector(`[data-item-key="${first}"]`)?.scrollIntoView({ block: 'center' });
      return;
    }
    modal.confirm({
      title: s.submitTitle,
      content: s.submitBody(fmt(check.score), fmt(check.max)),
      okText: s.submitOk,
      cancelText: s.cancel,
      okButtonProps: { 'data-testid': 'submit-confirm' } as Record<string, string>,
      onOk: async () => {
        await edit((cur) => ({ ...cur, submit: true, error: null }));
        void message.success(navigator.onLine ? s.submittedOk : s.queued);
        if (navigator.onLine) void syncNow(owner);
        navigate('/field');
      },
    });
  };

  const removeFinding = (key: string) =>
    modal.confirm({
      title: s.removeFindingConfirm,
      okText: s.removeFinding,
      okButtonProps: { danger: true },
      cancelText: s.cancel,
      onOk: () => edit((cur) => ({ ...cur, findings: cur.findings.filter((f) => f.clientKey !== key) })),
    });

  const discard = () =>
    modal.confirm({
      title: s.discardConfirm,
      okText: s.discard,
      okButtonProps: { danger: true },
      cancelText: s.cancel,
      onOk: async () => {
        await deleteSheet(sheetKey);
        navigate('/field');
      },
    });

  const err = sheet.error;
  const itemErrors = (it: Item) => [...(localErrors[`id:${it.id}`] ?? []), ...(err?.items[`id:${it.id}`] ?? []), ...(err?.items[`code:${it.code}`] ?? [])];
  const status = sheetStatus(sheet);

  return (
    <div className="cc-field__sheet" data-testid="field-sheet" data-status={status}>
      <div className="cc-field__sheet-head">
        <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate('/field')} aria-label={s.back} className="cc-field__backbtn" />
        <div className="cc-field__sheet-title">
          <div className="cc-field__sheet-name">{sheet.target.name}</div>
          <div className="cc-field__sheet-meta">
            {sheet.planName} · {sheet.inspectedOn}
            {sheet.server?.number ? ` · ${sheet.server.number}` : ''}
          </div>
        </div>
        <StatusTag status={status} s={s} />
      </div>
      {result && (
        <div className="cc-field__total" data-testid="field-total">
          <span>
            {s.score} <b data-testid="field-score">{fmt(result.score)}</b> / {fmt(result.max)}
          </span>
          <span>
            {s.rate} <b>{result.rate === null ? '—' : `${(result.rate * 100).toFixed(1)}%`}</b>
          </span>
          {result.vetoed && <Tag color="red">veto</Tag>}
        </div>
      )}
      {readOnly && (
        <Alert type={status === 'submitted' ? 'success' : 'info'} showIcon className="cc-field__notice"
          title={status === 'submitted' ? s.readOnlySubmitted(sheet.server?.number ?? '') : s.readOnlyQueued} />
      )}
      {err && (err.general.length > 0 || Object.keys(err.findings).length > 0 || Object.keys(err.items).length > 0) && (
        <Alert type="error" showIcon className="cc-field__notice" data-testid="field-sheet-error"
          title={`${s.serverError} ${err.message}`}
          description={err.general.length ? err.general.map((m) => <div key={m}>{m}</div>) : undefined}
          action={err.code === 'INSPECTION_ALREADY_SUBMITTED' ? <Button size="small" danger onClick={discard}>{s.discard}</Button> : undefined} />
      )}
      {sheet.server && sheet.server.flags.length > 0 && (
        <Alert type="warning" showIcon icon={<WarningOutlined />} className="cc-field__notice" title={sheet.server.flags.map((f) => f.message).join('；')} data-testid="field-flags" />
      )}
      {edition.isPending && <Spin className="cc-field__spin" />}
      {edition.isError && <Alert type="error" showIcon title={s.editionMissing} className="cc-field__notice" />}
      {model && model.items.length === 0 && <Empty description={s.noItems} />}
      {model?.sections.map((sec) => (
        <section key={sec.section?.id ?? 'none'} className="cc-field__section">
          {sec.section && (
            <div className="cc-field__section-title">
              {sec.section.code} {sec.section.title}
            </div>
          )}
          {sec.items.map((it) => {
            const r = result?.items.find((x) => x.key === it.key);
            const e = sheet.items[String(it.id)] ?? {};
            const mine = sheet.findings.filter((f) => f.itemNodeId === it.id);
            const errors = itemErrors(it);
            const max = it.points ?? 0;
            return (
              <Card key={it.id} size="small" className={`cc-field__item${errors.length ? ' cc-field__item--error' : ''}${e.na ? ' cc-field__item--na' : ''}`}
                data-testid="field-item" data-item-key={`id:${it.id}`} data-code={it.code} data-method={it.method}>
                <div className="cc-field__item-head">
                  <span className="cc-field__item-title">
                    <span className="cc-field__code">{it.code}</span> {it.title}
                  </span>
                  <span className="cc-field__item-score" data-testid="item-score">
                    {e.na ? s.na : s.itemScore(r?.score === null || r?.score === undefined ? '—' : fmt(r.score), max)}
                  </span>
                </div>
                <div className="cc-field__item-controls">
                  {it.method === 'scale' && !e.na && (
                    <label className="cc-field__inline">
                      <span>{s.scaleLabel(max)}</span>
                      <InputNumber min={0} max={max} step={0.5} value={e.score ?? null} disabled={readOnly} inputMode="decimal" className="cc-field__num"
                        data-testid="item-scale" onChange={(v) => setEntry(it.id, { score: typeof v === 'number' ? v : null })} />
                    </label>
                  )}
                  {it.method === 'rate' && !e.na && (
                    <span className="cc-field__inline">
                      <label>
                        <span>{s.observed}</span>
                        <InputNumber min={0} max={100000} precision={0} value={e.observed ?? null} disabled={readOnly} inputMode="numeric" className="cc-field__num-sm"
                          onChange={(v) => setEntry(it.id, { observed: typeof v === 'number' ? v : null })} />
                      </label>
                      <label>
                        <span>{s.passed}</span>
                        <InputNumber min={0} max={100000} precision={0} value={e.passed ?? null} disabled={readOnly} inputMode="numeric" className="cc-field__num-sm"
                          onChange={(v) => setEntry(it.id, { passed: typeof v === 'number' ? v : null })} />
                      </label>
                    </span>
                  )}
                  {!readOnly && !e.na && (
                    <Button size="small" danger={it.method === 'deduct' || it.method === 'pass_fail'} icon={<MinusCircleOutlined />} onClick={() => setFormFor(it)} data-testid="item-deduct">
                      {it.method === 'deduct' ? s.deduct : it.method === 'pass_fail' ? s.fail : s.addProblem}
                    </Button>
                  )}
                  {it.naAllowed && (
                    <label className="cc-field__inline cc-field__na">
                      <Switch size="small" checked={Boolean(e.na)} disabled={readOnly || (mine.length > 0 && !e.na)} onChange={(v) => setEntry(it.id, { na: v })} data-testid="item-na" />
                      <span>{s.na}</span>
                    </label>
                  )}
                </div>
                {mine.length > 0 && (
                  <ul className="cc-field__findings">
                    {mine.map((f) => (
                      <FindingRow key={f.clientKey} f={f} crit={model.nodes.find((n) => n.id === f.criterionNodeId)?.title ?? null} deduct={it.method === 'deduct'}
                        photos={(photosQ.data ?? []).filter((p) => f.photoKeys.includes(p.key))} errors={err?.findings[f.clientKey] ?? []}
                        onRemove={readOnly ? null : () => removeFinding(f.clientKey)} />
                    ))}
                  </ul>
                )}
                {errors.map((m, i) => (
                  <div key={i} className="cc-field__error" data-testid="item-error">{m}</div>
                ))}
              </Card>
            );
          })}
        </section>
      ))}
      {!readOnly && model && model.items.length > 0 && (
        <div className="cc-field__actions">
          {result && (
            <span className="cc-field__actions-score" data-testid="field-bar-score">
              {!online && <DisconnectOutlined className="cc-field__actions-offline" aria-label={s.offline} />}
              <b>{fmt(result.score)}</b>/{fmt(result.max)}
            </span>
          )}
          <Button onClick={() => void saveDraft()} data-testid="field-save">{s.saveDraft}</Button>
          <Button type="primary" onClick={submit} data-testid="field-submit">{s.submit}</Button>
        </div>
      )}
      {formFor && model && (
        <FindingForm open item={formFor} criteria={model.criteria(formFor)} owner={owner} sheetKey={sheetKey} onCancel={() => setFormFor(null)}
          onSave={(f) => {
            setFormFor(null);
            setLocalErrors((e) => ({ ...e, [`id:${f.itemNodeId}`]: [] }));
            void edit((cur) => ({ ...cur, findings: [...cur.findings, f] }));
          }} />
      )}
    </div>
  );
}

function FindingRow({ f, crit, deduct, photos, errors, onRemove }: {
  f: LocalSheet['findings'][number]; crit: string | null; deduct: boolean; photos: Parameters<typeof useThumbs>[0]; errors: string[]; onRemove: (() => void) | null;
}) {
  const s = useFieldStrings();
  const thumbs = useThumbs(photos);
  return (
    <li className="cc-field__finding" data-testid="field-finding">
      <div className="cc-field__finding-head">
        <span className="cc-field__finding-what">
          {deduct && <Typography.Text type="danger">{s.pointsUnit(f.points)} </Typography.Text>}
          {crit ?? ''}
        </span>
        {onRemove && <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={s.removeFinding} onClick={onRemove} />}
      </div>
      {f.note && f.note !== crit && <div className="cc-field__finding-note">{f.note}</div>}
      <div className="cc-field__finding-meta">
        <span><CameraOutlined /> {s.photosCount(f.photoKeys.length)}</span>
        <span><EnvironmentOutlined /> {f.lat !== null ? s.hasPosition : s.noPosition}</span>
      </div>
      {thumbs.some((t) => t.url) && (
        <div className="cc-field__photos">
          {thumbs.map((t) => t.url && <div key={t.key} className="cc-field__thumb cc-field__thumb--sm"><img src={t.url} alt="" /></div>)}
        </div>
      )}
      {errors.map((m, i) => <div key={i} className="cc-field__error">{m}</div>)}
    </li>
  );
}
