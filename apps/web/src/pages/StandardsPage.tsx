import { useState } from 'react';
import { Button, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useSearchParams } from 'react-router';
import { useAuth } from '../app/auth';
import { PageHeader } from '../components/PageHeader';
import { QueryError } from '../components/QueryError';
import { useStandards } from './standards/api';
import { NewStandardModal } from './standards/dialogs';
import { EditionEditor } from './standards/EditionEditor';
import { StandardList } from './standards/StandardList';
import { useStandardsStrings } from './standards/strings';
import './standards/standards.css';
import { positiveInt } from '../lib/useQueryParams';

/**
 * 标准体系: the city's indicator systems and their editions; opening an edition (?edition=) shows
 * its tree to edit (a draft) or read (published, retired), with Excel export and import.
 */
export default function StandardsPage() {
  const s = useStandardsStrings();
  const { can } = useAuth();
  const [params, setParams] = useSearchParams();
  const editionId = positiveInt(params.get('edition')) ?? null;
  const standards = useStandards();
  const [creating, setCreating] = useState(false);
  const open = (id: number | null) =>
    setParams((p) => {
      if (id === null) p.delete('edition');
      else p.set('edition', String(id));
      return p;
    });

  return (
    <>
      <PageHeader
        title={s.title}
        extra={
          editionId === null &&
          can('standard.manage') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="new-standard">
              {s.newStandard}
            </Button>
          )
        }
      />
      {editionId === null ? (
        <>
          <Typography.Paragraph type="secondary">{s.intro}</Typography.Paragraph>
          {standards.isError ? (
            <QueryError error={standards.error} onRetry={() => void standards.refetch()} />
          ) : (
            <StandardList s={s} standards={standards.data ?? []} loading={standards.isLoading} onOpen={open} />
          )}
        </>
      ) : (
        <EditionEditor key={editionId} s={s} editionId={editionId} onBack={() => open(null)} onOpen={open} />
      )}
      {creating && (
        <NewStandardModal
          s={s}
          open
          onClose={() => setCreating(false)}
          onCreated={(e) => {
            setCreating(false);
            open(e.id);
          }}
        />
      )}
    </>
  );
}
