import { lazy, Suspense, useState } from 'react';
import { Badge, Button, Drawer, Grid, Skeleton } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useUnreadCount } from '../api/notifications';

const NotificationList = lazy(() => import('./NotificationList'));

/** The header's bell: unread count (polled every 30 s) and the latest messages in a drawer. */
export function NotificationBell() {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  const [open, setOpen] = useState(false);
  const unread = useUnreadCount();
  const n = unread.data?.unread ?? 0;
  return (
    <>
      <Badge count={n} size="small" offset={[-4, 4]} overflowCount={99}>
        <Button
          type="text"
          shape="circle"
          icon={<BellOutlined />}
          aria-label={n ? t('notifications.bellUnread', { n }) : t('notifications.title')}
          onClick={() => setOpen(true)}
          data-testid="notification-bell"
          data-unread={n}
        />
      </Badge>
      <Drawer
        open={open}
        onClose={() => setOpen(false)}
        title={t('notifications.title')}
        placement="right"
        size={screens.sm ? 400 : '100%'}
        destroyOnHidden
        styles={{ body: { padding: 0 } }}
        data-testid="notification-drawer"
      >
        <Suspense fallback={<Skeleton active style={{ padding: 16 }} />}>
          <NotificationList onNavigate={() => setOpen(false)} />
        </Suspense>
      </Drawer>
    </>
  );
}
