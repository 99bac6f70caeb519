import { useEffect, useMemo, useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { App, Avatar, Button, Drawer, Dropdown, Grid, Layout, Menu, Space, Tag, Tooltip } from 'antd';
import type { MenuProps } from 'antd';
import { LogoutOutlined, MenuOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useAuth, useMe } from './auth';
import { menuSections, visibleNav } from './nav';
import { Brand } from '../components/Brand';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { NotificationBell } from '../components/NotificationBell';
import { useLanguage } from '../i18n';
import { roleName, roleNames } from '../lib/labels';

const { Header, Sider, Content } = Layout;


function NavMenu({ onNavigate }: { onNavigate?: () => void }) {
  const me = useMe();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const entries = visibleNav(me.permissions);
  // The deepest entry the path lies in: /cases/12 → 问题台账, /cases/new → 上报问题.
  const path = location.pathname.replace(/^\/+/, '');
  const selected =
    entries
      .filter((e) => path === e.path || path.startsWith(`${e.path}/`))
      .sort((a, b) => b.path.length - a.path.length)[0]?.path ?? path.split('/')[0] ?? '';
  const item = (e: (typeof entries)[number]) => ({ key: e.path, icon: <e.icon />, label: t(`menu.${e.key}`), 'data-menu-key': e.key });
  // Headed groups (always open, so every page stays one click away); entries in no group stand alone.
  const items: MenuProps['items'] = menuSections(entries).map((s) =>
    s.group ? { type: 'group' as const, key: `group-${s.group}`, label: t(`menu.${s.group}`), children: s.entries.map(item) } : item(s.entries[0]!));
  return (
    <Menu
      theme="dark"
      mode="inline"
      selectedKeys={[selected]}
      items={items}
      aria-label={t('menu.navigation')}
      data-testid="main-menu"
      onClick={({ key }) => {
        navigate(`/${key}`);
        onNavigate?.();
      }}
    />
  );
}

/** The signed-in frame: menu (Sider on wide screens, Drawer on phones), header, page. */
export function AppLayout() {
  const me = useMe();
  const { logout, can } = useAuth();
  const { t } = useTranslation();
  const lang = useLanguage();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const isMobile = screens.md === false;
  const [collapsed, setCollapsed] = useState(false);
  const [drawerOpen, setDrawerOpen] = useState(false);

  useEffect(() => setDrawerOpen(false), [location.pathname]);
  useEffect(() => {
    if (!isMobile) setDrawerOpen(false);
  }, [isMobile]);

  const roles = useMemo(() => roleNames(me.roles, lang), [me.roles, lang]);

  const onLogout = async () => {
    await logout();
    void message.success(t('header.loggedOut'));
    navigate('/login', { replace: true });
  };

  const userMenu: MenuProps['items'] = [
    {
      key: 'who',
      disabled: true,
      label: (
        <div className="cc-user-menu-who">
          <div>{me.displayName}</div>
          <div className="cc-user-menu-who__roles">{roles}</div>
        </div>
      ),
    },
    { type: 'divider' },
    { key: 'profile', icon: <UserOutlined />, label: t('header.profile') },
    { key: 'logout', icon: <LogoutOutlined />, label: t('header.logout'), danger: true },
  ];

  return (
    <Layout className="cc-shell">
      <a className="cc-skip-link" href="#cc-main">
        {t('app.skipToContent')}
      </a>
      {isMobile ? (
        <Drawer
          placement="left"
          open={drawerOpen}
          onClose={() => setDrawerOpen(false)}
          size={260}
          closable={false}
          className="cc-nav-drawer"
          styles={{ body: { padding: 0, background: '#001529' } }}
          title={null}
        >
          <Brand dark />
          <NavMenu onNavigate={() => setDrawerOpen(false)} />
        </Drawer>
      ) : (
        <Sider
          collapsible
          collapsed={collapsed}
          onCollapse={setCollapsed}
          breakpoint="lg"
          width={220}
          className="cc-sider"
        >
          <Brand dark collapsed={collapsed} />
          <NavMenu />
        </Sider>
      )}
      <Layout>
        <Header className="cc-header">
          <div className="cc-header__left">
            {isMobile && (
              <Button
                type="text"
                icon={<MenuOutlined />}
                aria-label={t('header.openMenu')}
                data-testid="open-menu"
                onClick={() => setDrawerOpen(true)}
              />
            )}
            <span className="cc-header__city" title={me.tenant.name} data-testid="city-name">
              {me.tenant.name}
            </span>
          </div>
          <Space size={isMobile ? 8 : 16} className="cc-header__right">
            {can('case.read') && <NotificationBell />}
            <LanguageSwitch />
            {isMobile ? (
              <Dropdown
                trigger={['click']}
                menu={{
                  items: userMenu,
                  onClick: ({ key }) => {
                    if (key === 'profile') navigate('/profile');
                    if (key === 'logout') void onLogout();
                  },
                }}
              >
                <Button type="text" shape="circle" aria-label={me.displayName} icon={<Avatar size="small" icon={<UserOutlined />} />} />
              </Dropdown>
            ) : (
              <>
                <Space size={8} className="cc-header__user" data-testid="current-user">
                  <Avatar size="small" icon={<UserOutlined />} />
                  <span>{me.displayName}</span>
                  {me.roles.map((r) => (
                    <Tag key={r} color="blue" variant="filled" style={{ marginInlineEnd: 0 }}>
                      {roleName(r, lang)}
                    </Tag>
                  ))}
                </Space>
                <Tooltip title={screens.lg ? undefined : t('header.logout')}>
                  <Button icon={<LogoutOutlined />} onClick={() => void onLogout()} data-testid="logout">
                    {screens.lg ? t('header.logout') : null}
                  </Button>
                </Tooltip>
              </>
            )}
          </Space>
        </Header>
        <Content id="cc-main" className="cc-content" tabIndex={-1}>
          <Outlet />
        </Content>
      </Layout>
    </Layout>
  );
}
