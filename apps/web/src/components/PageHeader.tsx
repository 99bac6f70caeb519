import type { ReactNode } from 'react';
import { Typography } from 'antd';

export function PageHeader({ title, extra, children }: { title: ReactNode; extra?: ReactNode; children?: ReactNode }) {
  return (
    <div className="cc-page-header">
      <div className="cc-page-header__row">
        <Typography.Title level={4} className="cc-page-header__title">
          {title}
        </Typography.Title>
        {extra && <div className="cc-page-header__extra">{extra}</div>}
      </div>
      {children}
    </div>
  );
}
