import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Button, Space } from 'antd';
import { ShellMessage } from './ShellMessage';
import { useTranslation } from 'react-i18next';

interface Props {
  children: ReactNode;
}
interface State {
  error: Error | null;
}

/** A lazily loaded page whose file is gone (the app was redeployed) fails like this. */
const isChunkError = (e: Error) =>
  /Failed to fetch dynamically imported module|Importing a module script failed|error loading dynamically imported module/i.test(
    e.message,
  );

function Fallback({ error, onReset }: { error: Error; onReset: () => void }) {
  const { t } = useTranslation();
  const chunk = isChunkError(error);
  return (
    <ShellMessage
      status="error"
      title={t('errors.crashTitle')}
      subTitle={chunk ? t('errors.chunkFailed') : t('errors.crash')}
      extra={
        <Space wrap>
          {chunk ? (
            <Button type="primary" onClick={() => window.location.reload()}>
              {t('errors.reload')}
            </Button>
          ) : (
            <Button type="primary" onClick={onReset}>
              {t('common.retry')}
            </Button>
          )}
          <Button href="/">{t('common.backHome')}</Button>
        </Space>
      }
    />
  );
}

/** Catches render errors below it so one broken page does not blank the whole app. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('UI error', error, info.componentStack);
  }

  override render() {
    if (this.state.error) return <Fallback error={this.state.error} onReset={() => this.setState({ error: null })} />;
    return this.props.children;
  }
}
