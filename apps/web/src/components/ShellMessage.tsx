import type { ReactNode } from 'react';
import { CloseCircleFilled, ExclamationCircleFilled } from '@ant-design/icons';

/**
 * A lightweight Result look-alike for the app shell (boot failures, crashed pages). antd's Result
 * carries large illustrations; the shell must stay small and must work when page chunks fail to load.
 */
export function ShellMessage({
  status,
  title,
  subTitle,
  extra,
}: {
  status: 'error' | 'warning';
  title: ReactNode;
  subTitle?: ReactNode;
  extra?: ReactNode;
}) {
  return (
    <div className="cc-shell-message" role="alert">
      <div className={`cc-shell-message__icon cc-shell-message__icon--${status}`} aria-hidden="true">
        {status === 'error' ? <CloseCircleFilled /> : <ExclamationCircleFilled />}
      </div>
      <div className="cc-shell-message__title">{title}</div>
      {subTitle && <div className="cc-shell-message__subtitle">{subTitle}</div>}
      {extra && <div className="cc-shell-message__extra">{extra}</div>}
    </div>
  );
}
