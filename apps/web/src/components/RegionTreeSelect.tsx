import { useMemo } from 'react';
import { TreeSelect } from 'antd';
import { useRegions } from '../api/org';
import { useLanguage } from '../i18n';
import { buildRegionTree, type RegionNode } from '../lib/regionTree';
import { regionLevelLabel } from '../lib/labels';
import type { Locale } from '@cc/domain';

interface Props {
  value?: number | null;
  onChange?: (value: number | null) => void;
  placeholder?: string;
  id?: string;
  style?: React.CSSProperties;
  allowClear?: boolean;
  'aria-label'?: string;
}

interface Option {
  value: number;
  title: string;
  label: string;
  children?: Option[];
}

function toOptions(nodes: RegionNode[], lang: Locale): Option[] {
  return nodes.map((n) => ({
    value: n.region.id,
    title: `${n.region.name} · ${regionLevelLabel(n.region.level, lang)}`,
    label: n.region.name,
    children: n.children.length ? toOptions(n.children, lang) : undefined,
  }));
}

/** Region picker over the whole (scoped) region tree. */
export function RegionTreeSelect({ value, onChange, placeholder, id, style, allowClear = true, ...rest }: Props) {
  const lang = useLanguage();
  const regions = useRegions();
  const treeData = useMemo(() => toOptions(buildRegionTree(regions.data?.items ?? []), lang), [regions.data, lang]);
  return (
    <TreeSelect<number | undefined>
      id={id}
      aria-label={rest['aria-label']}
      style={style}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      treeData={treeData}
      treeNodeFilterProp="title"
      treeNodeLabelProp="label"
      showSearch
      allowClear={allowClear}
      placeholder={placeholder}
      loading={regions.isLoading}
      treeDefaultExpandAll={false}
      treeDefaultExpandedKeys={treeData.map((o) => o.value)}
    />
  );
}
