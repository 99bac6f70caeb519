import { Button, Empty, Skeleton, Typography } from 'antd';
import { CheckOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { NotificationView } from '@cc/domain';
import { useNotificationMutations, useNotifications } from '../api/notifications';
import { formatDateTime } from '../lib/format';
import { useReportError } from '../lib/useReportError';
import { QueryError } from './QueryError';
import './notifications.css';

/** The latest messages: a tap opens the case (and marks the message read); 全部已读 clears the count. */
export default function NotificationList({ onNavigate }: { onNavigate: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const report = useReportError();
  const list = useNotifications(true);
  const m = useNotificationMutations();

  const openOne = (n: NotificationView) => {
    if (!n.read) m.read.mutate(n.id, { onError: (err) => report(err) });
    if (n.case) {
      navigate(`/cases/${n.case.id}`);
      onNavigate();
    }
  };

  if (list.isError) return <QueryError error={list.error} onRetry={() => void list.refetch()} />;
  if (!list.data) return <Skeleton active style={{ padding: 16 }} />;
  const items = list.data.items;
  return (
    <div className="cc-notes" data-testid="notification-list">
      <div className="cc-notes__bar">
        <Typography.Text type="secondary">{t('notifications.summary', { unread: list.data.unread, total: list.data.total })}</Typography.Text>
        <Button
          size="small"
          icon={<CheckOutlined />}
          disabled={list.data.unread === 0}
          loading={m.readAll.isPending}
          onClick={() => m.readAll.mutate(undefined, { onError: (err) => report(err) })}
          data-testid="notifications-read-all"
        >
          {t('notifications.readAll')}
        </Button>
      </div>
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.empty')} style={{ padding: 24 }} />
      ) : (
        <ul className="cc-notes__list">
          {items.map((n) => (
            <li key={n.id}>
              <button type="button" className={`cc-notes__item ${n.read ? '' : 'cc-notes__item--unread'}`} onClick={() => openOne(n)} data-testid="notification-item">
                {!n.read && <span className="cc-notes__dot" aria-label={t('notifications.unread')} />}
                <span className="cc-notes__text">
                  <span className="cc-notes__title">{n.title}</span>
                  <span className="cc-notes__time">
                    {formatDateTime(n.createdAt)}
                    {n.case && ` · ${n.case.number}`}
                  </span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
