import { useEffect } from 'react';
import { useParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Space, Typography } from 'antd';
import { CloudSyncOutlined, DisconnectOutlined } from '@ant-design/icons';
import { useMe } from '../app/auth';
import { ownerOf, useLocalSheets, useStoreRefresh } from './field/hooks';
import { SheetView } from './field/SheetView';
import { useFieldStrings } from './field/strings';
import { syncNow, useNavigatorOnline, useOnline, useSyncLoop, useSyncStatus } from './field/sync';
import { TaskList } from './field/TaskList';
import { warmFonts } from '../sw/client';
import './field/field.css';

/**
 * 现场检查: today's inspections and the score sheet, made for a phone (360 px) and for working
 * without a network — everything is kept on the phone first and synced when the network returns.
 */
export default function FieldPage() {
  const { key } = useParams();
  const me = useMe();
  const owner = ownerOf(me);
  useStoreRefresh();
  useSyncLoop(owner);
  return (
    <div className="cc-field" data-testid="field-page">
      <SyncBar owner={owner} />
      {key ? <SheetView key={key} sheetKey={key} owner={owner} /> : <TaskList owner={owner} />}
    </div>
  );
}

function SyncBar({ owner }: { owner: string }) {
  const s = useFieldStrings();
  // The field page's own words (forms, dialogs) in the page font offline; functions give their text.
  useEffect(() => warmFonts(JSON.stringify(s, (_k, v: unknown) => (typeof v === 'function' ? String(v) : v))), [s]);
  const online = useOnline();
  const networkUp = useNavigatorOnline();
  const status = useSyncStatus();
  const sheets = useLocalSheets(owner);
  const qc = useQueryClient();
  // Sheets reached the server: today's list (done counts, drafts) changed.
  useEffect(() => {
    if (status.sent > 0) void qc.invalidateQueries({ queryKey: ['field', 'tasks'] });
  }, [status.lastRun, status.sent, qc]);
  // The browser says online but the server gave no answer: ask again now and then.
  useEffect(() => {
    if (online || !networkUp) return;
    const timer = window.setInterval(() => void qc.refetchQueries({ queryKey: ['field', 'tasks'], type: 'all' }), 15_000);
    return () => window.clearInterval(timer);
  }, [online, networkUp, qc]);
  const pending = (sheets.data ?? []).filter((x) => x.pending).length;
  const refused = (sheets.data ?? []).filter((x) => x.error && !x.pending).length;
  return (
    <div className="cc-field__syncbar" data-testid="field-syncbar" data-running={status.running ? 'true' : 'false'}>
      {!online && (
        <Alert type="warning" showIcon icon={<DisconnectOutlined />} title={s.offline} className="cc-field__offline" data-testid="field-offline" />
      )}
      <div className="cc-field__syncrow">
        <Space size={6} wrap>
          <Typography.Text type={pending ? 'warning' : 'secondary'} data-testid="field-pending" data-count={pending}>
            {pending ? s.pending(pending) : s.allSynced}
          </Typography.Text>
          {refused > 0 && <Typography.Text type="danger">{s.syncRefused(refused)}</Typography.Text>}
          {status.running && <Typography.Text type="secondary">{s.syncing}</Typography.Text>}
          {!status.running && status.stalled && pending > 0 && online && <Typography.Text type="secondary">{s.syncStalled}</Typography.Text>}
        </Space>
        <Button size="small" icon={<CloudSyncOutlined />} loading={status.running} disabled={!networkUp} onClick={() => void syncNow(owner)} data-testid="field-sync">
          {s.syncNow}
        </Button>
      </div>
    </div>
  );
}
