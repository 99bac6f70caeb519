import { useCallback, useEffect, useMemo, useRef, useState, type Key } from 'react';
import { Alert, App, Badge, Button, Card, Col, Drawer, Empty, Grid, Input, InputNumber, Popconfirm, Row, Skeleton, Space, Tag, Tooltip, Tree, Typography } from 'antd';
import type { TreeDataNode, TreeProps } from 'antd';
import {
  ArrowLeftOutlined, CameraOutlined, CheckCircleOutlined, CopyOutlined, DeleteOutlined, DownloadOutlined, ExclamationCircleOutlined, ImportOutlined, PlusOutlined,
  SaveOutlined, SendOutlined, StopOutlined, UndoOutlined,
} from '@ant-design/icons';
import { formatMessage, SCORING_METHOD_LABELS, validateEdition, type EditionView, type StandardNodeKind } from '@cc/domain';
import { useAuth } from '../../app/auth';
import { QueryError } from '../../components/QueryError';
import { useLanguage } from '../../i18n';
import { isApiError } from '../../lib/errors';
import { useReportError } from '../../lib/useReportError';
import { exportUrl, useCategories, useEdition, usePointTypes, useStandardMutations } from './api';
import { CopyModal, ImportModal } from './dialogs';
import { append, childSum, descendantCount, fromEdition, move, nextCode, remove, toInput, type Node } from './model';
import { NodeForm, useAppliesToLabels } from './NodeForm';
import { STATE_COLOR } from './StandardList';
import type { StandardsStrings } from './strings';

interface Working {
  editionId: number;
  version: number;
  nodes: Node[];
  label: string;
  maxScore: number | null;
  dirty: boolean;
  /** Bumped on every reload, so the node form remounts with the new values. */
  generation: number;
}

let newKeys = 0;

/** One edition: the tree, the selected node's form, the problems, and the edition's actions. */
export function EditionEditor({ s, editionId, onBack, onOpen }: { s: StandardsStrings; editionId: number; onBack: () => void; onOpen: (id: number) => void }) {
  const lang = useLanguage();
  const { message, modal } = App.useApp();
  const report = useReportError();
  const { can } = useAuth();
  const screens = Grid.useBreakpoint();
  const wide = !!screens.lg;
  const edition = useEdition(editionId);
  const categories = useCategories();
  const pointTypes = usePointTypes();
  const { update, publish, retire } = useStandardMutations();
  const [w, setW] = useState<Working | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [expanded, setExpanded] = useState<Key[]>([]);
  const [dialog, setDialog] = useState<'copy' | 'import' | null>(null);
  const applies = useAppliesToLabels(s, pointTypes.data ?? []);

  // What was open and selected, by code: a save gives every node a new id.
  const view = useRef<{ nodes: Node[]; expanded: Key[]; selected: string | null }>({ nodes: [], expanded: [], selected: null });
  view.current = { nodes: w?.nodes ?? [], expanded, selected };

  /** Take an edition from the server; `keep` keeps the open branches and the selection (same edition). */
  const load = useCallback((e: EditionView, keep: boolean) => {
    const nodes = fromEdition(e);
    const before = view.current;
    const codeOf = new Map(before.nodes.map((n) => [n.key, n.code]));
    const openCodes = new Set(keep ? before.expanded.map((k) => codeOf.get(String(k))) : []);
    const selCode = keep && before.selected ? codeOf.get(before.selected) : undefined;
    setW((prev) => ({ editionId: e.id, version: e.version, nodes, label: e.label, maxScore: e.maxScore, dirty: false, generation: (prev?.generation ?? 0) + 1 }));
    setExpanded(nodes.filter((n) => n.kind === 'section' || openCodes.has(n.code)).map((n) => n.key));
    setSelected(nodes.find((n) => n.code === selCode)?.key ?? null);
  }, []);

  // Take the server's copy when another edition is opened or it changed and nothing is being edited.
  useEffect(() => {
    const e = edition.data;
    if (!e) return;
    if (!w || w.editionId !== e.id || (!w.dirty && w.version !== e.version)) load(e, !!w && w.editionId === e.id);
  }, [edition.data, w, load]);

  const dirty = !!w?.dirty;
  useEffect(() => {
    if (!dirty) return;
    const warn = (ev: BeforeUnloadEvent) => ev.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const e = edition.data;
  const editable = !!e && e.state === 'draft' && e.actions.includes('edit');
  const nodes = useMemo(() => w?.nodes ?? [], [w]);
  const byKey = useMemo(() => new Map(nodes.map((n) => [n.key, n])), [nodes]);
  const known = useMemo(() => (categories.data ? new Set(categories.data.map((c) => c.code)) : undefined), [categories.data]);

  const problems = useMemo(() => {
    if (!e || !w) return [];
    if (e.state !== 'draft') return [];
    if (!w.dirty) return e.problems.map((p) => ({ code: p.nodeCode, message: p.message }));
    return validateEdition(nodes, { maxScore: w.maxScore, knownCategories: known }).map((p) => ({ code: p.code, message: formatMessage(p.problem, lang, p.params) }));
  }, [e, w, nodes, known, lang]);
  const problemCodes = useMemo(() => new Set(problems.map((p) => p.code).filter(Boolean)), [problems]);

  const change = (fn: (nodes: Node[]) => Node[], extra: Partial<Working> = {}) => setW((prev) => (prev ? { ...prev, ...extra, nodes: fn(prev.nodes), dirty: true } : prev));
  const patchNode = (key: string, patch: Partial<Node>) => change((list) => list.map((n) => (n.key === key ? { ...n, ...patch } : n)));

  const selectCode = (code: string | null) => {
    const n = code === null ? undefined : nodes.find((x) => x.code === code);
    if (!n) return;
    const open: string[] = [];
    for (let p = n.parentKey; p !== null; p = byKey.get(p)?.parentKey ?? null) open.push(p);
    setExpanded((prev) => [...new Set([...prev, ...open])]);
    setSelected(n.key);
  };

  const sel = selected ? byKey.get(selected) ?? null : null;

  const add = (kind: StandardNodeKind) => {
    if (!w) return;
    let parent: Node | null = null;
    if (kind === 'item') parent = !sel ? null : sel.kind === 'section' ? sel : sel.kind === 'item' ? byKey.get(sel.parentKey ?? '') ?? null : byKey.get(byKey.get(sel.parentKey!)?.parentKey ?? '') ?? null;
    if (kind === 'criterion') parent = !sel ? null : sel.kind === 'item' ? sel : sel.kind === 'criterion' ? byKey.get(sel.parentKey!) ?? null : null;
    if (kind === 'criterion' && !parent) return;
    const node: Node = {
      key: `n${++newKeys}`, parentKey: parent?.key ?? null, kind, code: nextCode(nodes, parent), title: s.newTitle[kind]!, description: null, points: null,
      method: kind === 'item' ? 'deduct' : null, floor: kind === 'item' ? 0 : null, naAllowed: false, appliesTo: [], veto: false, evidenceRequired: false,
      categoryCode: null, unverified: false,
    };
    change((list) => append(list, node));
    if (parent) setExpanded((prev) => [...new Set([...prev, parent.key])]);
    setSelected(node.key);
  };

  const del = (key: string) => {
    const parent = byKey.get(key)?.parentKey ?? null;
    change((list) => remove(list, key));
    setSelected(parent);
  };

  const save = async () => {
    if (!w || !e) return;
    try {
      const out = await update.mutateAsync({ id: e.id, body: { version: w.version, label: w.label.trim() || e.label, maxScore: w.maxScore, nodes: toInput(w.nodes) } });
      void message.success(s.saved);
      load(out, true);
    } catch (err) {
      if (isApiError(err, 'CONFLICT')) {
        void message.warning(s.conflict);
        const fresh = await edition.refetch();
        if (fresh.data) load(fresh.data, true);
      } else report(err);
    }
  };

  const transition = async (what: 'publish' | 'retire') => {
    if (!e) return;
    try {
      const out = await (what === 'publish' ? publish : retire).mutateAsync({ id: e.id, version: e.version });
      void message.success(what === 'publish' ? s.published : s.retired);
      load(out, true);
    } catch (err) {
      report(err);
      void edition.refetch();
    }
  };

  const leave = (then: () => void) => {
    if (!dirty) return then();
    modal.confirm({ title: s.leaveConfirm, okText: s.ok, cancelText: s.cancel, onOk: then });
  };

  const treeData = useMemo<TreeDataNode[]>(() => {
    const children = new Map<string | null, Node[]>();
    for (const n of nodes) children.set(n.parentKey, [...(children.get(n.parentKey) ?? []), n]);
    const build = (parent: string | null): TreeDataNode[] =>
      (children.get(parent) ?? []).map((n) => ({ key: n.key, title: <NodeTitle s={s} node={n} nodes={nodes} bad={problemCodes.has(n.code)} appliesLabel={applies.label} lang={lang} />, children: build(n.key), isLeaf: n.kind === 'criterion' }));
    return build(null);
  }, [nodes, s, problemCodes, applies.label, lang]);

  const allowDrop: TreeProps['allowDrop'] = ({ dragNode, dropNode, dropPosition }) =>
    move(nodes, String(dragNode.key), String(dropNode.key), dropPosition === 0 ? 'inside' : dropPosition < 0 ? 'before' : 'after') !== null;

  const onDrop: TreeProps['onDrop'] = (info) => {
    const pos = info.node.pos.split('-');
    const rel = info.dropPosition - Number(pos[pos.length - 1]);
    const target = String(info.node.key);
    const hasOpenChildren = nodes.some((n) => n.parentKey === target) && info.node.expanded;
    const where = !info.dropToGap || (hasOpenChildren && rel === 1) ? 'inside' : rel === -1 ? 'before' : 'after';
    const next = move(nodes, String(info.dragNode.key), target, where);
    if (!next) {
      void message.warning(s.treeHint);
      return;
    }
    change(() => next);
    if (where === 'inside') setExpanded((prev) => [...new Set([...prev, target])]);
  };

  if (edition.isError) return <QueryError error={edition.error} onRetry={() => void edition.refetch()} />;
  if (!e || !w) return <Skeleton active />;

  const publishBlocked = dirty ? s.publishBlockedDirty : problems.length ? s.publishBlockedProblems(problems.length) : null;
  const readOnlyHint = e.state === 'published' ? s.readOnlyPublished : e.state === 'retired' ? s.readOnlyRetired : !can('standard.manage') ? s.readOnlyNoRight : null;
  const maySelectCriterion = !!sel && (sel.kind === 'item' || sel.kind === 'criterion');

  const problemsCard = e.state === 'draft' && (
    <Card
      size="small"
      className="cc-std-problems"
      title={
        <Space size={6}>
          {problems.length ? <ExclamationCircleOutlined style={{ color: '#cf1322' }} /> : <CheckCircleOutlined style={{ color: '#389e0d' }} />}
          {s.problems}
          <Badge count={problems.length} showZero color={problems.length ? '#cf1322' : '#389e0d'} />
        </Space>
      }
      extra={<Typography.Text type="secondary" style={{ fontSize: 12 }}>{dirty ? s.problemsLive : s.problemsServer}</Typography.Text>}
      data-testid="problems"
    >
      {problems.length === 0 ? (
        <Typography.Text type="success">{s.problemsNone}</Typography.Text>
      ) : (
        <ul className="cc-std-problem-list">
          {problems.map((p, i) => (
            <li key={i} data-testid="problem">
              {p.code ? (
                <Typography.Link onClick={() => selectCode(p.code)}>{p.message}</Typography.Link>
              ) : (
                <Typography.Text>{p.message}</Typography.Text>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );

  const form = sel && (
    <NodeForm
      key={`${sel.key}:${w.generation}`}
      s={s}
      node={sel}
      nodes={nodes}
      readOnly={!editable}
      categories={categories.data ?? []}
      pointTypes={pointTypes.data ?? []}
      onChange={(patch) => patchNode(sel.key, patch)}
    />
  );
  const nodeActions = editable && sel && (
    <Popconfirm title={s.removeConfirm(sel.code, descendantCount(nodes, sel.key))} okButtonProps={{ danger: true }} okText={s.ok} cancelText={s.cancel} onConfirm={() => del(sel.key)}>
      <Button size="small" danger icon={<DeleteOutlined />} data-testid="node-delete">
        {s.remove}
      </Button>
    </Popconfirm>
  );

  return (
    <div data-testid="edition-editor">
      <div className="cc-std-head">
        <Button icon={<ArrowLeftOutlined />} onClick={() => leave(onBack)} aria-label={s.back} data-testid="edition-back">
          {wide ? s.back : null}
        </Button>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {e.standard.name}
        </Typography.Title>
        <Tag color={STATE_COLOR[e.state]} data-testid="edition-state">
          {e.label} · {s.states[e.state]}
        </Tag>
        {dirty && <Tag color="orange">{s.unsaved}</Tag>}
      </div>

      <div className="cc-std-toolbar" data-testid="edition-toolbar">
        {editable && (
          <>
            <Space.Compact>
              <Button disabled>{s.label}</Button>
              <Input value={w.label} maxLength={40} style={{ width: 110 }} onChange={(ev) => setW({ ...w, label: ev.target.value, dirty: true })} aria-label={s.label} />
            </Space.Compact>
            <Tooltip title={s.maxScoreHint}>
              <Space.Compact>
                <Button disabled>{s.maxScoreField}</Button>
                <InputNumber value={w.maxScore} min={0} max={1000} style={{ width: 100 }} placeholder={s.noMaxScore} onChange={(v) => setW({ ...w, maxScore: v ?? null, dirty: true })} aria-label={s.maxScoreField} />
              </Space.Compact>
            </Tooltip>
            <Button type="primary" icon={<SaveOutlined />} disabled={!dirty} loading={update.isPending} onClick={() => void save()} data-testid="edition-save">
              {s.save}
            </Button>
            {dirty && (
              <Popconfirm title={s.discardConfirm} okText={s.ok} cancelText={s.cancel} onConfirm={() => load(e, true)}>
                <Button icon={<UndoOutlined />}>{s.discard}</Button>
              </Popconfirm>
            )}
            <Tooltip title={publishBlocked}>
              {publishBlocked ? (
                <Button icon={<SendOutlined />} disabled data-testid="edition-publish">
                  {s.publish}
                </Button>
              ) : (
                <Popconfirm title={s.publishConfirm} okText={s.ok} cancelText={s.cancel} onConfirm={() => void transition('publish')}>
                  <Button icon={<SendOutlined />} loading={publish.isPending} data-testid="edition-publish" style={{ borderColor: '#389e0d', color: '#389e0d' }}>
                    {s.publish}
                  </Button>
                </Popconfirm>
              )}
            </Tooltip>
          </>
        )}
        {e.actions.includes('copy') && (
          <Button icon={<CopyOutlined />} onClick={() => leave(() => setDialog('copy'))} data-testid="edition-copy">
            {s.copy}
          </Button>
        )}
        {e.actions.includes('retire') && (
          <Popconfirm title={s.retireConfirm} okText={s.ok} cancelText={s.cancel} okButtonProps={{ danger: true }} onConfirm={() => void transition('retire')}>
            <Button icon={<StopOutlined />} danger loading={retire.isPending} data-testid="edition-retire">
              {s.retire}
            </Button>
          </Popconfirm>
        )}
        {editable && (
          <Button icon={<ImportOutlined />} onClick={() => setDialog('import')} data-testid="edition-import">
            {s.importExcel}
          </Button>
        )}
        <Button icon={<DownloadOutlined />} href={exportUrl(e.id)} download data-testid="edition-export">
          {s.exportExcel}
        </Button>
      </div>

      {readOnlyHint && <Alert type="info" showIcon title={readOnlyHint} style={{ marginBottom: 12 }} data-testid="read-only-hint" />}
      {!wide && problemsCard}

      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card
            size="small"
            title={s.tree}
            extra={
              editable && (
                <Space size={4} wrap>
                  <Button size="small" icon={<PlusOutlined />} onClick={() => add('section')} data-testid="add-section">
                    {s.addSection}
                  </Button>
                  <Button size="small" icon={<PlusOutlined />} onClick={() => add('item')} data-testid="add-item">
                    {s.addItem}
                  </Button>
                  <Button size="small" icon={<PlusOutlined />} disabled={!maySelectCriterion} onClick={() => add('criterion')} data-testid="add-criterion">
                    {s.addCriterion}
                  </Button>
                </Space>
              )
            }
          >
            {editable && <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 8 }}>{s.treeHint}</Typography.Paragraph>}
            {nodes.length === 0 ? (
              <Empty description={s.empty} />
            ) : (
              <div className="cc-std-tree">
                <Tree
                  blockNode
                  showLine
                  draggable={editable ? { icon: false } : false}
                  allowDrop={allowDrop}
                  onDrop={onDrop}
                  treeData={treeData}
                  selectedKeys={selected ? [selected] : []}
                  expandedKeys={expanded}
                  onExpand={(keys) => setExpanded(keys)}
                  onSelect={(_, info) => setSelected(String(info.node.key))}
                  data-testid="standard-tree"
                />
              </div>
            )}
          </Card>
        </Col>
        {wide && (
          <Col lg={10}>
            <div className="cc-std-side">
              <Card size="small" title={sel ? `${s.kinds[sel.kind]} ${sel.code}` : s.node} extra={nodeActions} data-testid="node-panel">
                {form || <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={s.selectNode} />}
              </Card>
              {problemsCard}
            </div>
          </Col>
        )}
      </Row>

      {!wide && (
        <Drawer
          open={!!sel}
          placement="bottom"
          size="82%"
          onClose={() => setSelected(null)}
          title={sel ? `${s.kinds[sel.kind]} ${sel.code}` : ''}
          extra={nodeActions}
          destroyOnHidden
          data-testid="node-drawer"
        >
          {form}
        </Drawer>
      )}

      {dialog === 'copy' && (
        <CopyModal
          s={s}
          edition={e}
          open
          onClose={() => setDialog(null)}
          onCopied={(c) => {
            setDialog(null);
            onOpen(c.id);
          }}
        />
      )}
      {dialog === 'import' && (
        <ImportModal
          s={s}
          edition={e}
          open
          onClose={() => setDialog(null)}
          onImported={(out) => {
            setDialog(null);
            load(out, false);
          }}
        />
      )}
    </div>
  );
}

/** A tree row: code and title, then points, method, flags and category. */
function NodeTitle({ s, node, nodes, bad, appliesLabel, lang }: { s: StandardsStrings; node: Node; nodes: readonly Node[]; bad: boolean; appliesLabel: (t: string) => string; lang: 'zh-CN' | 'en' }) {
  const sum = node.kind === 'section' ? childSum(nodes, node.key) : null;
  const mismatch = sum !== null && node.points !== null && sum !== node.points;
  return (
    <span className={`cc-std-node cc-std-node--${node.kind}${bad ? ' cc-std-node--bad' : ''}`} data-testid={`node-${node.code}`}>
      <span className="cc-std-node__main">
        <span className="cc-std-node__code">{node.code}</span>
        <span className="cc-std-node__title">{node.title}</span>
      </span>
      <span className="cc-std-node__meta">
        {node.kind === 'item' && node.method && <Tag className="cc-std-tag">{SCORING_METHOD_LABELS[node.method][lang]}</Tag>}
        {node.kind !== 'criterion' && (node.appliesTo ?? []).length > 0 && (
          <Tooltip title={(node.appliesTo ?? []).map(appliesLabel).join('、')}>
            <Tag className="cc-std-tag" color="cyan">
              {(node.appliesTo ?? []).length > 1 ? `${appliesLabel(node.appliesTo![0]!)} +${node.appliesTo!.length - 1}` : appliesLabel(node.appliesTo![0]!)}
            </Tag>
          </Tooltip>
        )}
        {node.veto && <Tag className="cc-std-tag" color="red">{s.flags.veto}</Tag>}
        {node.naAllowed && <Tag className="cc-std-tag">{s.flags.na}</Tag>}
        {node.evidenceRequired && (
          <Tooltip title={s.evidence}>
            <CameraOutlined className="cc-std-node__icon" aria-label={s.flags.photo} />
          </Tooltip>
        )}
        {node.kind === 'criterion' &&
          (node.categoryCode ? (
            <Tag className="cc-std-tag" color="purple">{node.categoryCode}</Tag>
          ) : (
            <Tag className="cc-std-tag" color="error">{s.categoryMissing}</Tag>
          ))}
        {node.unverified && <Tag className="cc-std-tag" color="warning">{s.flags.unverified}</Tag>}
        {node.points !== null && (
          <span className={`cc-std-node__points${mismatch ? ' cc-std-node__points--bad' : ''}`} title={mismatch ? s.sum(sum) : undefined}>
            {node.kind === 'criterion' ? `−${node.points}` : node.points}
            {mismatch && ` ≠ ${sum}`}
          </span>
        )}
      </span>
    </span>
  );
}
