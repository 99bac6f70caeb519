import { useTranslation } from 'react-i18next';

/** The product mark: a red seal with 创, drawn inline so nothing is fetched. */
export function BrandMark({ size = 32 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false" style={{ flex: 'none' }}>
      <rect x="1" y="1" width="30" height="30" rx="7" fill="#c8161d" />
      <rect x="4" y="4" width="24" height="24" rx="4.5" fill="none" stroke="#f7d774" strokeWidth="1.4" />
      <text
        x="16"
        y="21.5"
        textAnchor="middle"
        fontSize="15"
        fontWeight="700"
        fill="#fff"
        fontFamily="'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"
      >
        创
      </text>
    </svg>
  );
}

export function Brand({ collapsed = false, dark = false }: { collapsed?: boolean; dark?: boolean }) {
  const { t } = useTranslation();
  return (
    <div className={`cc-brand${dark ? ' cc-brand--dark' : ''}`}>
      <BrandMark />
      {!collapsed && <span className="cc-brand__name">{t('app.name')}</span>}
    </div>
  );
}
