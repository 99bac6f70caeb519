import { useEffect, type ReactNode } from 'react';
import { Grid, Table, type TableColumnsType } from 'antd';
import type { UseQueryResult } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { QueryError } from './QueryError';

interface PageOf<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

/**
 * A server-paged list: the error with a retry, or the table with the server's page, size and total.
 * Used by every list page so paging, loading and empty states behave the same everywhere.
 */
export function PagedTable<T extends { id: number }>(props: {
  result: UseQueryResult<PageOf<T>>;
  query: { page?: number; pageSize?: number };
  onPage: (page: number, pageSize: number) => void;
  columns: TableColumnsType<T>;
  empty: ReactNode;
  testId: string;
  /** The pager's total line, when the plain count would mislead (e.g. a capped count). */
  totalText?: (total: number) => ReactNode;
}) {
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  const { result, query, onPage } = props;
  // A page past the end (an old link, or the last rows just handled) moves to the last page rather
  // than showing "no data" beside a total.
  const data = result.isPlaceholderData ? undefined : result.data;
  const lastPage = data && data.items.length === 0 && data.total > 0 && data.page > 1 ? Math.ceil(data.total / data.pageSize) : null;
  const pageSize = data?.pageSize;
  useEffect(() => {
    if (lastPage !== null && pageSize !== undefined) onPage(lastPage, pageSize);
    // onPage is a new function on every render: the move depends on the answer only.
  }, [lastPage, pageSize]);
  if (result.isError) return <QueryError error={result.error} onRetry={() => void result.refetch()} />;
  return (
    <Table<T>
      rowKey="id"
      size={screens.md === false ? 'small' : 'middle'}
      columns={props.columns}
      dataSource={result.data?.items ?? []}
      loading={result.isFetching}
      locale={{ emptyText: props.empty }}
      scroll={{ x: 'max-content' }}
      data-testid={props.testId}
      pagination={{
        current: result.data?.page ?? query.page,
        pageSize: result.data?.pageSize ?? query.pageSize,
        total: result.data?.total ?? 0,
        showSizeChanger: true,
        showTotal: props.totalText ?? ((total) => t('common.total', { total })),
        size: screens.md ? 'middle' : 'small',
        onChange: props.onPage,
      }}
    />
  );
}
