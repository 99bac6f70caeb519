import { useRef } from 'react';
import { App, Button } from 'antd';
import { CheckCircleFilled, CopyOutlined, PlusOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router';
import { useCityParam, withCity } from './PublicShell';
import { usePublicStrings } from './strings';

/** Copy text: the Clipboard API where the page is a secure context, else the old selection way. */
async function copyText(text: string, el: HTMLElement | null): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    /* fall through */
  }
  if (!el) return false;
  const range = document.createRange();
  range.selectNodeContents(el);
  const sel = window.getSelection();
  sel?.removeAllRanges();
  sel?.addRange(range);
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  }
}

/** After submitting: the tracking number, big and copyable, and the way to follow it. */
export function ReportDone({ number, onAnother }: { number: string; onAnother: () => void }) {
  const s = usePublicStrings();
  const city = useCityParam();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const numberRef = useRef<HTMLElement>(null);

  const copy = async () => {
    if (await copyText(number, numberRef.current)) void message.success(s.copied);
    else void message.warning(s.copyFailed);
  };

  return (
    <div className="cc-public__done" data-testid="report-done">
      <CheckCircleFilled className="cc-public__done-icon" />
      <h2>{s.thanks}</h2>
      <div className="cc-public__number-label">{s.numberLabel}</div>
      <strong className="cc-public__number" ref={numberRef} data-testid="report-number">
        {number}
      </strong>
      <div className="cc-public__number-label">{s.numberHint}</div>
      <div className="cc-public__done-actions">
        <Button type="primary" size="large" onClick={() => navigate(withCity(`/track/${encodeURIComponent(number)}`, city))} data-testid="report-track">
          {s.viewProgress}
        </Button>
        <Button size="large" icon={<CopyOutlined />} onClick={() => void copy()} data-testid="report-copy">
          {s.copy}
        </Button>
        <Button type="link" icon={<PlusOutlined />} onClick={onAnother}>
          {s.reportAnother}
        </Button>
      </div>
    </div>
  );
}
