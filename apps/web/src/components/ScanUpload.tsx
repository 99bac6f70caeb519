import { useRef, useState } from 'react';
import { Button, Space, Typography } from 'antd';
import { FileOutlined, PaperClipOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { FILE_ACCEPT, FILE_MAX_BYTES, useFrontageMutations, type StoredFile } from '../api/frontage';
import { ApiError } from '../api/client';
import { useReportError } from '../lib/useReportError';

const ALLOWED = /\.(pdf|jpe?g|png|webp)$/i;

export const formatSize = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;

/**
 * Pick a scanned contract (PDF, JPEG, PNG, WebP, ≤ 20 MB) and upload it at once to POST /files; the
 * value is the stored file. The server checks the content; its refusal (415/413) is shown as is.
 */
export function ScanUpload({
  value,
  onChange,
  label,
}: {
  value?: StoredFile | null;
  onChange?: (file: StoredFile | null) => void;
  label?: string;
}) {
  const { t } = useTranslation();
  const report = useReportError();
  const { upload } = useFrontageMutations();
  const ref = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);

  const pick = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    if (file.size > FILE_MAX_BYTES) return setError(t('frontage.fileTooLarge'));
    if (!ALLOWED.test(file.name) && !/^(application\/pdf|image\/(jpeg|png|webp))$/.test(file.type)) return setError(t('frontage.fileType'));
    try {
      onChange?.(await upload.mutateAsync(file));
    } catch (err) {
      // The server's own verdict on the content (415 type / 413 size) belongs next to the button.
      if (err instanceof ApiError && (err.status === 413 || err.status === 415) && err.message) setError(err.message);
      else report(err);
    }
  };

  return (
    <div>
      <Space wrap size={8}>
        <Button icon={<PaperClipOutlined />} loading={upload.isPending} onClick={() => ref.current?.click()} data-testid="scan-pick">
          {label ?? (value ? t('frontage.replaceScan') : t('frontage.uploadScan'))}
        </Button>
        {value && (
          <Typography.Text data-testid="scan-name">
            <FileOutlined /> {value.name} <Typography.Text type="secondary">({formatSize(value.sizeBytes)})</Typography.Text>
          </Typography.Text>
        )}
        {value && onChange && (
          <Button type="link" size="small" onClick={() => onChange(null)}>
            {t('frontage.removeScan')}
          </Button>
        )}
      </Space>
      <div>
        <Typography.Text type={error ? 'danger' : 'secondary'} style={{ fontSize: 12 }} role={error ? 'alert' : undefined}>
          {error ?? t('frontage.scanHint')}
        </Typography.Text>
      </div>
      <input
        ref={ref}
        type="file"
        style={{ display: 'none' }}
        accept={FILE_ACCEPT}
        data-testid="scan-input"
        onChange={(e) => {
          void pick(e.target.files?.[0]);
          e.target.value = '';
        }}
      />
    </div>
  );
}
