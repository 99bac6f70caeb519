import { useEffect, useMemo } from 'react';
import { Checkbox, Form, Input, InputNumber, Select, Space, Tag, Tooltip, Typography } from 'antd';
import { SCORING_METHOD_LABELS, SCORING_METHODS, UNIT_KIND_LABELS, UNIT_KINDS, type CategoryView, type PointTypeView } from '@cc/domain';
import { useLanguage } from '../../i18n';
import { childSum, inheritedAppliesTo, type Node } from './model';
import type { StandardsStrings } from './strings';

const CODE = /^[A-Za-z0-9_.-]{1,32}$/;

/** Labels of 适用对象 tokens: unit kinds, 责任区, 考察点位 and each point type. */
export function useAppliesToLabels(s: StandardsStrings, pointTypes: readonly PointTypeView[]) {
  const lang = useLanguage();
  return useMemo(() => {
    const label = (token: string): string => {
      if (token === 'zone') return s.zone;
      if (token === 'point') return s.pointAll;
      if (token.startsWith('point:')) {
        const p = pointTypes.find((x) => x.code === token.slice(6));
        return s.pointType(p ? (lang === 'en' ? p.nameEn : p.name) : token.slice(6));
      }
      return (UNIT_KIND_LABELS as Record<string, Record<string, string>>)[token]?.[lang] ?? token;
    };
    const options = [
      { label: s.unitKinds, options: UNIT_KINDS.map((k) => ({ value: k, label: label(k) })) },
      { label: s.points, options: ['zone', 'point', ...pointTypes.map((p) => `point:${p.code}`)].map((v) => ({ value: v, label: label(v) })) },
    ];
    return { label, options };
  }, [s, pointTypes, lang]);
}

interface Props {
  s: StandardsStrings;
  node: Node;
  nodes: readonly Node[];
  readOnly: boolean;
  categories: readonly CategoryView[];
  pointTypes: readonly PointTypeView[];
  onChange: (patch: Partial<Node>) => void;
}

/** The side form of the selected node: every edit goes straight into the working copy. */
export function NodeForm({ s, node, nodes, readOnly, categories, pointTypes, onChange }: Props) {
  const lang = useLanguage();
  const [form] = Form.useForm();
  const applies = useAppliesToLabels(s, pointTypes);
  const duplicate = nodes.some((n) => n.key !== node.key && n.code === node.code);

  // The parent remounts the form (key) when another node is selected or the copy is reloaded.
  useEffect(() => {
    void form.validateFields(['code', 'title']).catch(() => undefined);
  }, [form]);

  const categoryOptions = useMemo(() => {
    const groups = new Map<string, { label: string; options: { value: string; label: string; disabled?: boolean }[] }>();
    for (const c of categories) {
      const g = groups.get(c.majorCode) ?? { label: c.majorName, options: [] };
      g.options.push({ value: c.code, label: `${c.code} ${lang === 'en' ? c.nameEn : c.name}${c.active ? '' : ' ×'}`, disabled: !c.active && c.code !== node.categoryCode });
      groups.set(c.majorCode, g);
    }
    return [...groups.values()];
  }, [categories, lang, node.categoryCode]);

  const sum = node.kind === 'section' ? childSum(nodes, node.key) : null;
  const inherited = node.kind !== 'criterion' && !(node.appliesTo ?? []).length ? inheritedAppliesTo(nodes, node) : [];
  const pointsLabel = node.kind === 'section' ? s.pointsSection : node.kind === 'item' ? s.pointsItem : s.pointsCriterion;

  return (
    <Form
      form={form}
      initialValues={{ ...node, appliesTo: node.appliesTo ?? [] }}
      layout="vertical"
      size="middle"
      disabled={readOnly}
      onValuesChange={(changed: Partial<Node>) => onChange(changed)}
      data-testid="node-form"
      className={readOnly ? 'cc-std-readonly' : undefined}
      requiredMark={!readOnly}
    >
      <Space size={8} style={{ marginBottom: 12 }} wrap>
        <Tag color={node.kind === 'section' ? 'blue' : node.kind === 'item' ? 'geekblue' : 'default'}>{s.kinds[node.kind]}</Tag>
        {sum !== null && node.points !== null && (
          <Typography.Text type={sum === node.points ? 'secondary' : 'danger'} data-testid="node-sum">
            {s.sum(sum)}
          </Typography.Text>
        )}
      </Space>
      <div className="cc-std-form-row">
        <Form.Item
          name="code"
          label={s.code}
          style={{ flex: '0 0 120px' }}
          rules={[{ required: true, message: s.required }, { pattern: CODE, message: s.codeRule }]}
          validateStatus={duplicate ? 'error' : undefined}
        >
          <Input data-testid="node-code" maxLength={32} />
        </Form.Item>
        <Form.Item name="points" label={pointsLabel} style={{ flex: '0 0 130px' }} tooltip={node.kind === 'criterion' ? s.pointsCriterionHint : undefined}>
          <InputNumber min={0} max={1000} step={node.kind === 'criterion' ? 0.5 : 1} style={{ width: '100%' }} data-testid="node-points" />
        </Form.Item>
      </div>
      <Form.Item name="title" label={s.name} rules={[{ required: true, message: s.required }]}>
        <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={200} data-testid="node-title" />
      </Form.Item>
      {node.kind === 'item' && (
        <div className="cc-std-form-row">
          <Form.Item name="method" label={s.method} style={{ flex: '1 1 160px' }}>
            <Select
              data-testid="node-method"
              options={SCORING_METHODS.map((m) => ({ value: m, label: SCORING_METHOD_LABELS[m][lang] }))}
              allowClear
            />
          </Form.Item>
          <Form.Item name="floor" label={s.floor} tooltip={s.floorHint} style={{ flex: '0 0 110px' }}>
            <InputNumber min={0} max={1000} style={{ width: '100%' }} />
          </Form.Item>
        </div>
      )}
      {node.kind === 'criterion' && (
        <Form.Item name="categoryCode" label={s.category} tooltip={s.categoryHint} validateStatus={node.categoryCode ? undefined : 'warning'} help={node.categoryCode ? undefined : s.categoryMissing}>
          <Select
            data-testid="node-category"
            showSearch={{ optionFilterProp: 'label' }}
            allowClear
            options={categoryOptions}
            placeholder={s.categoryMissing}
          />
        </Form.Item>
      )}
      {node.kind !== 'criterion' && (
        <Form.Item
          name="appliesTo"
          label={s.appliesTo}
          tooltip={s.appliesToHint}
          extra={inherited.length ? s.appliesToInherited(inherited.map(applies.label).join('、')) : undefined}
        >
          <Select mode="multiple" allowClear options={applies.options} placeholder={s.appliesToHint} data-testid="node-applies" optionFilterProp="label" />
        </Form.Item>
      )}
      <div className="cc-std-flags">
        {node.kind !== 'section' && (
          <Form.Item name="naAllowed" valuePropName="checked" noStyle>
            <Checkbox>
              <Tooltip title={s.naAllowedHint}>{s.naAllowed}</Tooltip>
            </Checkbox>
          </Form.Item>
        )}
        {node.kind !== 'section' && (
          <Form.Item name="veto" valuePropName="checked" noStyle>
            <Checkbox>
              <Tooltip title={s.vetoHint}>{s.veto}</Tooltip>
            </Checkbox>
          </Form.Item>
        )}
        {node.kind === 'criterion' && (
          <Form.Item name="evidenceRequired" valuePropName="checked" noStyle>
            <Checkbox>
              <Tooltip title={s.evidenceHint}>{s.evidence}</Tooltip>
            </Checkbox>
          </Form.Item>
        )}
        <Form.Item name="unverified" valuePropName="checked" noStyle>
          <Checkbox>
            <Tooltip title={s.unverifiedHint}>{s.unverified}</Tooltip>
          </Checkbox>
        </Form.Item>
      </div>
      <Form.Item name="description" label={s.description} style={{ marginTop: 12 }}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 8 }} maxLength={2000} />
      </Form.Item>
    </Form>
  );
}
