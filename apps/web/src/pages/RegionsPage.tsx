import { useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import {
  App,
  Breadcrumb,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Row,
  Skeleton,
  Space,
  Tag,
  Tooltip,
  Tree,
  Typography,
} from 'antd';
import type { TreeDataNode } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined, BankOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { childLevelOf, CODE_PATTERN, type Locale, type RegionLevel, type RegionView } from '@cc/domain';
import { useRegionMutations, useRegions } from '../api/org';
import { useAuth } from '../app/auth';
import { ImportExportButtons } from '../components/ImportExportButtons';
import { BoundaryImport } from '../components/BoundaryImport';
import { PageHeader } from '../components/PageHeader';
import { RegionMapCard } from '../components/RegionMapCard';
import { QueryError } from '../components/QueryError';
import { useLanguage } from '../i18n';
import { regionLevelLabel } from '../lib/labels';
import { buildRegionTree, regionPath, type RegionNode } from '../lib/regionTree';
import { useReportError } from '../lib/useReportError';
import { isApiError } from '../lib/errors';
import { positiveInt } from '../lib/useQueryParams';

const LEVEL_COLORS: Record<RegionLevel, string> = { county: 'red', street: 'orange', community: 'blue', grid: 'green' };

interface FormValues {
  name: string;
  code: string;
  population?: number | null;
}

const MAX_POPULATION = 2147483647;

/** The sum of the children's populations, and how many children have one. */
function childPopulation(items: RegionView[], id: number): { sum: number; known: number; total: number } {
  const children = items.filter((r) => r.parentId === id);
  const known = children.filter((r) => r.population !== null);
  return { sum: known.reduce((a, r) => a + r.population!, 0), known: known.length, total: children.length };
}
type Editing = { mode: 'create'; parent: RegionView | null; level: RegionLevel } | { mode: 'edit'; region: RegionView };

function matches(r: RegionView, q: string) {
  return r.name.toLowerCase().includes(q) || r.code.toLowerCase().includes(q);
}

function toTreeData(nodes: RegionNode[], lang: Locale, q: string): TreeDataNode[] {
  const out: TreeDataNode[] = [];
  for (const n of nodes) {
    const children = toTreeData(n.children, lang, q);
    if (q && !matches(n.region, q) && children.length === 0) continue;
    out.push({
      key: n.region.id,
      title: (
        <span>
          {q && matches(n.region, q) ? <mark>{n.region.name}</mark> : n.region.name}{' '}
          <Tag color={LEVEL_COLORS[n.region.level]} variant="filled" style={{ marginInlineStart: 4 }}>
            {regionLevelLabel(n.region.level, lang)}
          </Tag>
        </span>
      ),
      children,
      isLeaf: n.children.length === 0,
    });
  }
  return out;
}

function allKeys(data: TreeDataNode[]): React.Key[] {
  return data.flatMap((d) => [d.key, ...allKeys(d.children ?? [])]);
}

export default function RegionsPage() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const { message } = App.useApp();
  const { can } = useAuth();
  const navigate = useNavigate();
  const report = useReportError();
  const regions = useRegions();
  const { create, update, remove } = useRegionMutations();
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState('');
  const [expanded, setExpanded] = useState<React.Key[] | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [form] = Form.useForm<FormValues>();

  const items = useMemo(() => regions.data?.items ?? [], [regions.data]);
  const tree = useMemo(() => buildRegionTree(items), [items]);
  const q = search.trim().toLowerCase();
  const treeData = useMemo(() => toTreeData(tree, lang, q), [tree, lang, q]);
  const selectedId = positiveInt(params.get('id')) ?? null;
  const selected = items.find((r) => r.id === selectedId) ?? null;
  const childCount = selected ? items.filter((r) => r.parentId === selected.id).length : 0;
  const canCreate = regions.data?.actions.includes('create') ?? false;

  // By default open the first two levels; while searching, open everything that matched.
  const defaultExpanded = useMemo(() => tree.flatMap((n) => [n.region.id, ...n.children.map((c) => c.region.id)]), [tree]);
  const expandedKeys = q ? allKeys(treeData) : (expanded ?? defaultExpanded);

  const select = (id: number | null) => {
    const next = new URLSearchParams(params);
    if (id) next.set('id', String(id));
    else next.delete('id');
    setParams(next, { replace: true });
  };

  const openCreate = (parent: RegionView | null) => {
    const level = parent ? childLevelOf(parent.level) : 'county';
    if (!level) return;
    form.resetFields();
    setEditing({ mode: 'create', parent, level });
  };
  const openEdit = (region: RegionView) => {
    form.setFieldsValue({ name: region.name, code: region.code, population: region.population });
    setEditing({ mode: 'edit', region });
  };

  const onSubmit = async () => {
    if (!editing) return;
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    try {
      if (editing.mode === 'create') {
        const created = await create.mutateAsync({
          parentId: editing.parent?.id ?? null,
          level: editing.level,
          code: values.code.trim(),
          name: values.name.trim(),
          population: values.population ?? null,
        });
        void message.success(t('common.created'));
        select(created.id);
        if (editing.parent) setExpanded((k) => [...(k ?? defaultExpanded), editing.parent!.id]);
      } else {
        await update.mutateAsync({
          id: editing.region.id,
          body: { name: values.name.trim(), code: values.code.trim(), population: values.population ?? null, version: editing.region.version },
        });
        void message.success(t('common.saved'));
      }
      setEditing(null);
    } catch (err) {
      if (isApiError(err, 'CONFLICT')) {
        void message.warning(t('errors.conflict'));
        setEditing(null);
        void regions.refetch();
        return;
      }
      report(err, form, { fields: ['name', 'code', 'population'] });
    }
  };

  const onDelete = async (region: RegionView) => {
    try {
      await remove.mutateAsync(region.id);
      void message.success(t('common.deleted'));
      select(region.parentId);
    } catch (err) {
      report(err);
    }
  };

  if (regions.isError) return <QueryError error={regions.error} onRetry={() => void regions.refetch()} />;

  const childLevel = selected ? childLevelOf(selected.level) : null;
  const canCreateChild = !!selected && !!childLevel && selected.actions.includes('create-child');
  const path = selected ? regionPath(items, selected.id) : [];
  const below = selected ? childPopulation(items, selected.id) : null;
  const people = (n: number) => t('regions.people', { count: n, n: n.toLocaleString(lang) });

  return (
    <>
      <PageHeader
        title={t('regions.title')}
        extra={
          <>
            <ImportExportButtons kind="regions" />
            {can('map.write') && <BoundaryImport />}
            {canCreate && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => openCreate(null)} data-testid="region-create-root">
                {t('regions.newRoot')}
              </Button>
            )}
          </>
        }
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={10} xl={9}>
          <Card title={t('regions.tree')} size="small">
            <Input.Search
              allowClear
              placeholder={t('regions.searchPlaceholder')}
              onChange={(e) => setSearch(e.target.value)}
              style={{ marginBottom: 12 }}
              aria-label={t('regions.searchPlaceholder')}
            />
            {regions.isLoading ? (
              <Skeleton active />
            ) : treeData.length === 0 ? (
              <Empty description={q ? t('regions.noMatch') : t('regions.empty')} />
            ) : (
              <div className="cc-region-tree">
                <Tree
                  blockNode
                  showLine
                  treeData={treeData}
                  selectedKeys={selectedId ? [selectedId] : []}
                  expandedKeys={expandedKeys}
                  onExpand={(keys) => !q && setExpanded(keys)}
                  onSelect={(keys) => select(keys.length ? Number(keys[0]) : null)}
                  data-testid="region-tree"
                />
              </div>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={14} xl={15}>
          <Card
            size="small"
            title={selected ? selected.name : t('regions.title')}
            data-testid="region-detail"
          >
            {!selected ? (
              <Empty description={t('regions.select')} />
            ) : (
              <>
                <Space wrap size={[8, 8]} style={{ marginBottom: 12 }} data-testid="region-actions">
                  {canCreateChild && childLevel && (
                    <Button size="small" icon={<PlusOutlined />} onClick={() => openCreate(selected)}>
                      {t('regions.newChild', { level: regionLevelLabel(childLevel, lang) })}
                    </Button>
                  )}
                  {selected.actions.includes('update') && (
                    <Button size="small" icon={<EditOutlined />} onClick={() => openEdit(selected)}>
                      {t('common.edit')}
                    </Button>
                  )}
                  {selected.actions.includes('delete') &&
                    (childCount > 0 ? (
                      <Tooltip title={t('regions.deleteHasChildren')}>
                        <Button size="small" danger icon={<DeleteOutlined />} disabled>
                          {t('common.delete')}
                        </Button>
                      </Tooltip>
                    ) : (
                      <Popconfirm
                        title={t('common.deleteConfirm', { name: selected.name })}
                        okButtonProps={{ danger: true }}
                        onConfirm={() => onDelete(selected)}
                      >
                        <Button size="small" danger icon={<DeleteOutlined />} loading={remove.isPending}>
                          {t('common.delete')}
                        </Button>
                      </Popconfirm>
                    ))}
                </Space>
                <Breadcrumb
                  style={{ marginBottom: 12 }}
                  items={path.map((r) => ({
                    key: r.id,
                    title:
                      r.id === selected.id ? (
                        r.name
                      ) : (
                        <Typography.Link onClick={() => select(r.id)}>{r.name}</Typography.Link>
                      ),
                  }))}
                />
                <Descriptions
                  column={{ xs: 1, sm: 2 }}
                  size="small"
                  bordered
                  items={[
                    { key: 'name', label: t('regions.name'), children: selected.name },
                    { key: 'code', label: t('regions.code'), children: <Typography.Text code>{selected.code}</Typography.Text> },
                    {
                      key: 'level',
                      label: t('regions.level'),
                      children: <Tag color={LEVEL_COLORS[selected.level]}>{regionLevelLabel(selected.level, lang)}</Tag>,
                    },
                    {
                      key: 'parent',
                      label: t('regions.parent'),
                      children: path.length > 1 ? path[path.length - 2]!.name : t('regions.noParent'),
                    },
                    { key: 'children', label: t('regions.children'), children: childCount },
                    {
                      key: 'population',
                      label: t('regions.population'),
                      span: 'filled',
                      children: (
                        <span data-testid="region-population">
                          {selected.population === null ? (
                            <Typography.Text type="secondary">{t('regions.populationUnknown')}</Typography.Text>
                          ) : (
                            people(selected.population)
                          )}
                          {below && below.known > 0 && (
                            <Typography.Text type={selected.population !== null && below.known === below.total && below.sum !== selected.population ? 'warning' : 'secondary'} style={{ marginInlineStart: 12 }}>
                              {below.known === below.total
                                ? t('regions.populationBelow', { n: people(below.sum) })
                                : t('regions.populationBelowPartial', { n: people(below.sum), known: below.known, total: below.total })}
                            </Typography.Text>
                          )}
                        </span>
                      ),
                    },
                  ]}
                />
                {can('unit.read') && (
                  <Button
                    style={{ marginTop: 12 }}
                    icon={<BankOutlined />}
                    onClick={() => navigate(`/units?regionId=${selected.id}`)}
                  >
                    {t('regions.unitsHere')}
                  </Button>
                )}
              </>
            )}
          </Card>
          {selected && can('map.read') && <RegionMapCard region={selected} />}
        </Col>
      </Row>

      <Modal
        open={editing !== null}
        title={
          editing?.mode === 'create'
            ? t('regions.createTitle', { level: regionLevelLabel(editing.level, lang) })
            : t('regions.editTitle')
        }
        okText={t('common.save')}
        onOk={onSubmit}
        confirmLoading={create.isPending || update.isPending}
        onCancel={() => setEditing(null)}
        forceRender
      >
        <Form<FormValues> form={form} layout="vertical" requiredMark="optional">
          {editing?.mode === 'create' && (
            <Descriptions
              size="small"
              column={1}
              style={{ marginBottom: 16 }}
              items={[
                { key: 'parent', label: t('regions.parent'), children: editing.parent?.name ?? t('regions.noParent') },
                { key: 'level', label: t('regions.level'), children: regionLevelLabel(editing.level, lang) },
              ]}
            />
          )}
          <Form.Item name="name" label={t('regions.name')} rules={[{ required: true, whitespace: true, message: t('regions.nameRequired') }, { max: 100 }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item
            name="code"
            label={t('regions.code')}
            extra={t('regions.codeRule')}
            rules={[
              { required: true, message: t('regions.codeRequired') },
              { pattern: new RegExp(CODE_PATTERN), message: t('regions.codeRule') },
            ]}
          >
            <Input maxLength={32} />
          </Form.Item>
          <Form.Item
            name="population"
            label={t('regions.population')}
            extra={t('regions.populationHint')}
            rules={[{ type: 'integer', min: 0, max: MAX_POPULATION, message: t('regions.populationRule') }]}
          >
            <InputNumber<number> step={100} inputMode="numeric" style={{ width: '100%' }} suffix={t('regions.peopleUnit')} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
