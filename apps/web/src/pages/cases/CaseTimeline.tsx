import { Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CaseView } from '@cc/domain';
import { useLanguage } from '../../i18n';
import { actorRoleLabel, eventLabel, shortDateTime, stateLabel } from '../../lib/cases';
import { formatDateTime } from '../../lib/format';
import { PhotoStrip } from './CasePhotos';

const RED = ['reject', 'verify_fail', 'escalate', 'relapse', 'cancel', 'deny_return', 'deny_deferral'];
const GREEN = ['verify_pass', 'submit'];

/** The case's history, newest first: what happened, who did it, why, and the photos they took. */
export function CaseTimeline({ c }: { c: CaseView }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const events = [...c.events].reverse();
  return (
    <Timeline
      data-testid="case-timeline"
      items={events.map((e) => {
        const photos = c.photos.filter((p) => p.eventId === e.id);
        const data = (e.data ?? {}) as { deadlineAt?: string; level?: number };
        const moved = e.from !== null && e.from !== e.to;
        return {
          key: e.id,
          color: RED.includes(e.event) ? 'red' : GREEN.includes(e.event) ? 'green' : 'blue',
          content: (
            <div className="cc-event" data-testid="case-event" data-event={e.event}>
              <div className="cc-event__head">
                <Typography.Text strong>{eventLabel(e.event, t)}</Typography.Text>
                {e.event === 'escalate' && data.level ? <Typography.Text type="danger"> {t('cases.timeline.level', { n: data.level })}</Typography.Text> : null}
                {moved && <Typography.Text type="secondary"> → {stateLabel(e.to, lang)}</Typography.Text>}
              </div>
              <div className="cc-muted">
                {formatDateTime(e.at)} ·{' '}
                {e.actorRole
                  ? t('cases.actorWithRole', { actor: e.actor ?? t('cases.actorRoles.system'), role: actorRoleLabel(e.actorRole, t) })
                  : (e.actor ?? t('cases.actorRoles.system'))}
              </div>
              {e.note && <div className="cc-event__note">{e.note}</div>}
              {data.deadlineAt && (e.event === 'assign' || e.event === 'relapse' || e.event === 'end_deferral') && (
                <div className="cc-muted">{t('cases.timeline.deadline', { at: shortDateTime(data.deadlineAt, t) })}</div>
              )}
              {photos.length > 0 && <PhotoStrip photos={photos} size={56} />}
            </div>
          ),
        };
      })}
    />
  );
}
