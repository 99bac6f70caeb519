import { Button } from 'antd';
import { DownloadOutlined, ImportOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { ImportKind } from '@cc/domain';
import { canExport, canImport, exportUrl } from '../api/imports';
import { useAuth } from '../app/auth';

/** 导入 / 导出 on a list page: import opens the wizard with the list chosen; export downloads the .xlsx. */
export function ImportExportButtons({ kind }: { kind: ImportKind }) {
  const { t } = useTranslation();
  const { me } = useAuth();
  const navigate = useNavigate();
  return (
    <>
      {canImport(me, kind) && (
        <Button icon={<ImportOutlined />} onClick={() => navigate(`/imports?kind=${kind}`)} data-testid="page-import">
          {t('imports.importShort')}
        </Button>
      )}
      {canExport(me, kind) && (
        <Button icon={<DownloadOutlined />} href={exportUrl(kind)} download data-testid="page-export">
          {t('imports.exportShort')}
        </Button>
      )}
    </>
  );
}
