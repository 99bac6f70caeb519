import { Button, Select, Space } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, CloseOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ROUTING_STEPS, type RoutingStep } from '@cc/domain';
import { ApiError } from '../../api/client';
import type { CaseSettingsStrings } from './strings';

/**
 * The server names nested fields with slashes or dots (`officeHours/0`, `holidays.3.date`); the
 * forms here have one field per top-level name. The rest of the problem stays in its message.
 */
export function topLevelFields(err: unknown): unknown {
  if (!(err instanceof ApiError) || !Array.isArray(err.details)) return err;
  const details = (err.details as unknown[]).map((d) => {
    if (typeof d !== 'object' || d === null || typeof (d as { field?: unknown }).field !== 'string') return d;
    const field = (d as { field: string }).field.replace(/^[/.]+/, '').split(/[./]/)[0] ?? '';
    return { ...d, field };
  });
  return new ApiError(err.status, err.code, err.message, details);
}

/** The routing step's label, as the responsibility map names it. */
export function useStepLabel(): (s: string) => string {
  const { t } = useTranslation();
  return (s) => ((ROUTING_STEPS as readonly string[]).includes(s) ? t(`map.steps.${s as RoutingStep}`) : s);
}

/** An ordered list of routing steps: the first that finds a responsible unit wins. */
export function StepsEditor({
  value = [],
  onChange,
  id,
  s,
  disabled,
}: {
  value?: RoutingStep[];
  onChange?: (v: RoutingStep[]) => void;
  id?: string;
  s: CaseSettingsStrings;
  disabled?: boolean;
}) {
  const label = useStepLabel();
  const rest = ROUTING_STEPS.filter((x) => !value.includes(x));
  const move = (i: number, d: -1 | 1) => {
    const next = [...value];
    [next[i], next[i + d]] = [next[i + d]!, next[i]!];
    onChange?.(next);
  };
  return (
    <div id={id} className="cc-steps-editor" data-testid="category-steps">
      <ol className="cc-steps-editor__list">
        {value.map((x, i) => (
          <li key={x} className="cc-steps-editor__item">
            <span className="cc-steps-editor__n">{i + 1}</span>
            <span className="cc-steps-editor__name">{label(x)}</span>
            <Space size={0}>
              <Button type="text" size="small" icon={<ArrowUpOutlined />} disabled={disabled || i === 0} onClick={() => move(i, -1)} aria-label={s.cat.moveUp} title={s.cat.moveUp} />
              <Button
                type="text"
                size="small"
                icon={<ArrowDownOutlined />}
                disabled={disabled || i === value.length - 1}
                onClick={() => move(i, 1)}
                aria-label={s.cat.moveDown}
                title={s.cat.moveDown}
              />
              <Button
                type="text"
                size="small"
                danger
                icon={<CloseOutlined />}
                disabled={disabled || value.length === 1}
                onClick={() => onChange?.(value.filter((y) => y !== x))}
                aria-label={s.cat.removeStep}
                title={s.cat.removeStep}
              />
            </Space>
          </li>
        ))}
      </ol>
      {rest.length > 0 && !disabled && (
        <Select<RoutingStep>
          size="small"
          style={{ width: 200 }}
          placeholder={s.cat.addStep}
          value={null as unknown as RoutingStep}
          onChange={(x) => x && onChange?.([...value, x])}
          options={rest.map((x) => ({ value: x, label: label(x) }))}
          aria-label={s.cat.addStep}
        />
      )}
    </div>
  );
}
