import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { setLanguage, useLanguage, type Language } from '../i18n';

/** 中文 / EN switch; the choice is kept in localStorage ('cc.lang'). */
export function LanguageSwitch({ size = 'small' }: { size?: 'small' | 'middle' }) {
  const lang = useLanguage();
  const { t } = useTranslation();
  return (
    <Segmented<Language>
      size={size}
      aria-label={t('lang.label')}
      data-testid="lang-switch"
      value={lang}
      onChange={(v) => void setLanguage(v)}
      options={[
        { value: 'zh-CN', label: <span lang="zh-CN">中文</span> },
        { value: 'en', label: <span lang="en">EN</span> },
      ]}
    />
  );
}
