import { Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CaseListItem } from '@cc/domain';
import { useLanguage } from '../../i18n';
import { deadlineInfo, stateLabel, STATE_COLOR } from '../../lib/cases';

type Tagged = Pick<CaseListItem, 'state' | 'overdue' | 'escalationCount' | 'relapseCount' | 'returnedCount' | 'hidden'>;

/** The state, and what the office looks for at a glance: 超期, 督办 ×n, 反弹 ×n, 返工 ×n. */
export function CaseTags({ c, withReturned = false }: { c: Tagged; withReturned?: boolean }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  return (
    <Space size={[4, 4]} wrap className="cc-case-tags">
      <Tag color={STATE_COLOR[c.state]} data-testid="case-state" data-state={c.state} style={{ marginInlineEnd: 0 }}>
        {stateLabel(c.state, lang)}
      </Tag>
      {c.overdue && (
        <Tag color="red" variant="solid" data-testid="case-overdue" style={{ marginInlineEnd: 0 }}>
          {t('cases.tags.overdue')}
        </Tag>
      )}
      {c.escalationCount > 0 && (
        <Tag color="volcano" data-testid="case-escalated" style={{ marginInlineEnd: 0 }}>
          {t('cases.tags.escalated', { n: c.escalationCount })}
        </Tag>
      )}
      {c.relapseCount > 0 && (
        <Tag color="magenta" data-testid="case-relapsed" style={{ marginInlineEnd: 0 }}>
          {t('cases.tags.relapsed', { n: c.relapseCount })}
        </Tag>
      )}
      {withReturned && c.returnedCount > 0 && (
        <Tag color="orange" data-testid="case-returned" style={{ marginInlineEnd: 0 }}>
          {t('cases.tags.returned', { n: c.returnedCount })}
        </Tag>
      )}
      {c.hidden && (
        <Tag style={{ marginInlineEnd: 0 }} data-testid="case-hidden">
          {t('cases.tags.hidden')}
        </Tag>
      )}
    </Space>
  );
}

/** "剩 3 小时" / "超期 2 天", coloured. */
export function DeadlineText({ c }: { c: Pick<CaseListItem, 'state' | 'deadline'> }) {
  const { t } = useTranslation();
  const d = deadlineInfo(c, t);
  return (
    <Typography.Text type={d.tone} className="cc-nowrap" data-testid="case-deadline" title={c.deadline.at ?? undefined}>
      {d.text}
    </Typography.Text>
  );
}
