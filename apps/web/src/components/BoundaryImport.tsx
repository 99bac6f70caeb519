import { useState } from 'react';
import { Alert, Button, Modal, Space, Table, Typography, Upload } from 'antd';
import { GlobalOutlined, InboxOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, post } from '../api/client';
import { qk } from '../api/keys';

interface FeatureProblem {
  feature: number;
  code: string | null;
  problem: string;
  message: string;
}

/**
 * 导入边界: a GeoJSON FeatureCollection whose features carry region codes (properties.code) sets
 * many boundaries at once — grids of a whole county from the surveying office's file. The server
 * checks every feature first and sets all or none; problems are listed per feature.
 */
export function BoundaryImport() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [problems, setProblems] = useState<FeatureProblem[]>([]);
  const [done, setDone] = useState<number | null>(null);

  const reset = () => {
    setError(null);
    setProblems([]);
    setDone(null);
  };

  const send = async (file: File) => {
    reset();
    let body: unknown;
    try {
      body = JSON.parse(await file.text());
    } catch {
      setError(t('boundaryImport.notJson'));
      return;
    }
    const fc = body as { type?: unknown; features?: unknown };
    if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
      setError(t('boundaryImport.notCollection'));
      return;
    }
    setBusy(true);
    try {
      const r = await post<{ updated: number }>('/regions/geojson', body);
      setDone(r.updated);
      await Promise.all([qc.invalidateQueries({ queryKey: qk.regions }), qc.invalidateQueries({ queryKey: qk.geo }), qc.invalidateQueries({ queryKey: qk.responsibility })]);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      if (err instanceof ApiError && Array.isArray(err.details)) setProblems(err.details as FeatureProblem[]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button icon={<GlobalOutlined />} onClick={() => { reset(); setOpen(true); }} data-testid="boundary-import">
        {t('boundaryImport.button')}
      </Button>
      <Modal open={open} title={t('boundaryImport.title')} onCancel={() => setOpen(false)} footer={null} width={720} destroyOnHidden>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>{t('boundaryImport.help')}</Typography.Paragraph>
          <Upload.Dragger
            accept=".geojson,.json,application/geo+json,application/json"
            showUploadList={false}
            disabled={busy}
            beforeUpload={(file) => {
              void send(file);
              return false;
            }}
          >
            <p className="ant-upload-drag-icon"><InboxOutlined /></p>
            <p>{busy ? t('boundaryImport.sending') : t('boundaryImport.drop')}</p>
          </Upload.Dragger>
          {done !== null && <Alert type="success" showIcon message={t('boundaryImport.done', { n: done })} data-testid="boundary-import-done" />}
          {error && <Alert type="error" showIcon message={error} data-testid="boundary-import-error" />}
          {problems.length > 0 && (
            <Table<FeatureProblem>
              size="small"
              rowKey={(p) => `${p.feature}-${p.problem}`}
              dataSource={problems}
              pagination={problems.length > 10 ? { pageSize: 10 } : false}
              columns={[
                { title: t('boundaryImport.feature'), dataIndex: 'feature', width: 80 },
                { title: t('boundaryImport.code'), dataIndex: 'code', width: 170, render: (c: string | null) => c ?? '—' },
                { title: t('boundaryImport.problem'), dataIndex: 'message' },
              ]}
            />
          )}
        </Space>
      </Modal>
    </>
  );
}
