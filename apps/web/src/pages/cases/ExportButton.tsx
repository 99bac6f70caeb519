import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Modal, Progress, Typography } from 'antd';
import { DownloadOutlined, FileExcelOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { caseExportFileUrl, isExportOver, useCaseExport, useStartCaseExport, type CaseFilters } from '../../api/cases';
import { useLanguage } from '../../i18n';
import { errorMessage } from '../../lib/errors';
import { useReportError } from '../../lib/useReportError';

/** Let the browser fetch a file with the session cookie and the server's file name. */
function download(url: string) {
  const a = document.createElement('a');
  a.href = url;
  a.download = '';
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/**
 * 导出 Excel: the ledger with the filters on screen. The server builds the workbook in the
 * background (POST /case-exports); the progress is polled every second and the file downloads
 * itself when it is ready.
 */
export function ExportButton({ filters }: { filters: CaseFilters }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const report = useReportError();
  const start = useStartCaseExport();
  const [jobId, setJobId] = useState<number | null>(null);
  const job = useCaseExport(jobId);
  const downloaded = useRef<number | null>(null);
  const j = job.data;

  useEffect(() => {
    if (j?.state === 'done' && downloaded.current !== j.id) {
      downloaded.current = j.id;
      download(caseExportFileUrl(j.id));
    }
  }, [j]);

  const onStart = async () => {
    try {
      const created = await start.mutateAsync(filters);
      setJobId(created.id);
    } catch (err) {
      report(err);
    }
  };

  const percent = j && j.total > 0 ? Math.min(100, Math.round((j.processed / j.total) * 100)) : j?.state === 'done' ? 100 : 0;
  const over = isExportOver(j);

  return (
    <>
      <Button icon={<FileExcelOutlined />} onClick={() => void onStart()} loading={start.isPending} data-testid="cases-export">
        {t('cases.export.button')}
      </Button>
      <Modal
        open={jobId !== null}
        title={t('cases.export.title')}
        onCancel={() => setJobId(null)}
        footer={
          <Button onClick={() => setJobId(null)} data-testid="cases-export-close">
            {over ? t('common.close') : t('cases.export.background')}
          </Button>
        }
        destroyOnHidden
      >
        <div data-testid="cases-export-progress">
          {job.isError ? (
            <Alert type="error" showIcon title={errorMessage(job.error, t, lang)} />
          ) : j?.state === 'failed' ? (
            <Alert type="error" showIcon title={t('cases.export.failed')} description={j.error ?? undefined} />
          ) : (
            <>
              <Progress percent={percent} status={j?.state === 'done' ? 'success' : 'active'} />
              <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
                {j?.state === 'done'
                  ? t('cases.export.done', { n: j.total })
                  : t('cases.export.rows', { processed: j?.processed ?? 0, total: j?.total ?? 0 })}
              </Typography.Paragraph>
              {j?.state === 'done' && (
                <Button type="primary" icon={<DownloadOutlined />} href={caseExportFileUrl(j.id)} download data-testid="cases-export-download">
                  {t('cases.export.download')}
                </Button>
              )}
            </>
          )}
        </div>
      </Modal>
    </>
  );
}
