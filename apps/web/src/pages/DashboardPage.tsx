import { Card, Col, Descriptions, Empty, Progress, Row, Skeleton, Statistic, Tag, Typography } from 'antd';
import { ApartmentOutlined, BankOutlined, TeamOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { Permission } from '@cc/domain';
import { useDashboard } from '../api/dashboard';
import { useAuth, useMe } from '../app/auth';
import { PageHeader } from '../components/PageHeader';
import { QueryError } from '../components/QueryError';
import { useLanguage } from '../i18n';
import { roleName, unitKindLabel } from '../lib/labels';

export default function DashboardPage() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const me = useMe();
  const { can } = useAuth();
  const navigate = useNavigate();
  const dash = useDashboard();

  const stats: { key: 'regions' | 'units' | 'users'; icon: React.ReactNode; path: string; perm: Permission }[] = [
    { key: 'regions', icon: <ApartmentOutlined />, path: '/regions', perm: 'region.read' },
    { key: 'units', icon: <BankOutlined />, path: '/units', perm: 'unit.read' },
    { key: 'users', icon: <TeamOutlined />, path: '/users', perm: 'user.read' },
  ];

  const byKind = [...(dash.data?.unitsByKind ?? [])].filter((k) => k.count > 0).sort((a, b) => b.count - a.count);
  const kindTotal = byKind.reduce((s, k) => s + k.count, 0);

  return (
    <>
      <PageHeader title={t('dashboard.greeting', { name: me.displayName })} />
      <Card style={{ marginBottom: 16 }} data-testid="my-account">
        <Descriptions
          column={{ xs: 1, sm: 2, lg: 4 }}
          size="small"
          items={[
            { key: 'city', label: t('dashboard.city'), children: me.tenant.name },
            {
              key: 'unit',
              label: t('dashboard.myUnit'),
              children: (
                <span>
                  {me.unit.name} <Tag variant="filled">{unitKindLabel(me.unit.kind, lang)}</Tag>
                </span>
              ),
            },
            {
              key: 'roles',
              label: t('dashboard.myRoles'),
              children: me.roles.map((r) => (
                <Tag key={r} color="blue">
                  {roleName(r, lang)}
                </Tag>
              )),
            },
            { key: 'scope', label: t('dashboard.myScope'), children: t(`scope.${me.scope}`) },
          ]}
        />
      </Card>

      {dash.isError ? (
        <Card>
          <QueryError error={dash.error} onRetry={() => void dash.refetch()} />
        </Card>
      ) : (
        <>
          <Row gutter={[16, 16]}>
            {stats.map((s) => {
              const clickable = can(s.perm);
              return (
                <Col xs={24} sm={8} key={s.key}>
                  <Card
                    hoverable={clickable}
                    onClick={clickable ? () => navigate(s.path) : undefined}
                    data-testid={`stat-${s.key}`}
                  >
                    <Statistic
                      title={t(`dashboard.${s.key}`)}
                      value={dash.data?.[s.key] ?? 0}
                      loading={dash.isLoading}
                      prefix={s.icon}
                    />
                    <Typography.Text type="secondary">{t(`dashboard.${s.key}Hint`)}</Typography.Text>
                  </Card>
                </Col>
              );
            })}
          </Row>
          <Card title={t('dashboard.unitsByKind')} style={{ marginTop: 16 }}>
            {dash.isLoading ? (
              <Skeleton active />
            ) : byKind.length === 0 ? (
              <Empty description={t('dashboard.unitsByKindEmpty')} />
            ) : (
              <div role="list">
                {byKind.map((k) => (
                  <div className="cc-kind-row" role="listitem" key={k.kind}>
                    <span>{unitKindLabel(k.kind, lang)}</span>
                    <Progress percent={Math.round((k.count / kindTotal) * 100)} status="normal" showInfo={false} aria-hidden />
                    <span className="cc-kind-row__count">{k.count}</span>
                  </div>
                ))}
              </div>
            )}
          </Card>
          <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
            {t('dashboard.scopeNote')}
          </Typography.Paragraph>
        </>
      )}
    </>
  );
}
