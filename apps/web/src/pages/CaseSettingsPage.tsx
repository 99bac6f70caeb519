import { Alert, Tabs } from 'antd';
import { useSearchParams } from 'react-router';
import { useAuth } from '../app/auth';
import { PageHeader } from '../components/PageHeader';
import { CalendarTab } from './case-settings/CalendarTab';
import { CategoriesTab } from './case-settings/CategoriesTab';
import { WebhooksTab } from './case-settings/WebhooksTab';
import { WorkflowTab } from './case-settings/WorkflowTab';
import { useCaseSettingsStrings } from './case-settings/strings';

const TABS = ['categories', 'calendar', 'workflow', 'webhooks'] as const;
type TabKey = (typeof TABS)[number];

/**
 * 问题处置设置: what the city's case work runs on — categories with deadlines and routing, office hours
 * and holiday calendars, the workflow's numbers, and where messages are pushed. The open tab is
 * kept in the URL (?tab=) so a link or a reload lands on it.
 */
export default function CaseSettingsPage() {
  const s = useCaseSettingsStrings();
  const { can } = useAuth();
  const [params, setParams] = useSearchParams();
  const tab: TabKey = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as TabKey) : 'categories';
  const canEdit = can('category.manage');
  const canManageHooks = can('notification.manage');

  return (
    <>
      <PageHeader title={s.title} />
      {!canEdit && <Alert type="info" showIcon title={s.readOnly} style={{ marginBottom: 16 }} />}
      <Tabs
        activeKey={tab}
        onChange={(k) =>
          setParams(
            (p) => {
              p.set('tab', k);
              return p;
            },
            { replace: true },
          )
        }
        destroyOnHidden
        data-testid="case-settings-tabs"
        items={[
          { key: 'categories', label: s.tabs.categories, children: <CategoriesTab s={s} canEdit={canEdit} /> },
          { key: 'calendar', label: s.tabs.calendar, children: <CalendarTab s={s} canEdit={canEdit} /> },
          { key: 'workflow', label: s.tabs.workflow, children: <WorkflowTab s={s} canEdit={canEdit} /> },
          { key: 'webhooks', label: s.tabs.webhooks, children: <WebhooksTab s={s} canManage={canManageHooks} /> },
        ]}
      />
    </>
  );
}
