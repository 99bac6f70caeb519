import { Card, Col, Empty, Row, Skeleton, Space, Tag, Typography } from 'antd';
import { RightOutlined } from '@ant-design/icons';
import { STANDARD_KIND_LABELS, type EditionState, type StandardView } from '@cc/domain';
import { useLanguage } from '../../i18n';
import type { StandardsStrings } from './strings';

export const STATE_COLOR: Record<EditionState, string> = { draft: 'gold', published: 'green', retired: 'default' };

/** The city's standards as cards, each with its editions to open. */
export function StandardList({ s, standards, loading, onOpen }: { s: StandardsStrings; standards: StandardView[]; loading: boolean; onOpen: (editionId: number) => void }) {
  const lang = useLanguage();
  if (loading) return <Skeleton active />;
  if (!standards.length) return <Empty description={s.empty} />;
  return (
    <Row gutter={[16, 16]} data-testid="standard-list">
      {standards.map((std) => (
        <Col key={std.id} xs={24} md={12} xl={8}>
          <Card
            size="small"
            data-testid={`standard-${std.code}`}
            title={
              <Space size={6} wrap>
                <span>{std.name}</span>
                {std.builtin && <Tag color="blue">{s.builtin}</Tag>}
              </Space>
            }
            style={{ height: '100%' }}
          >
            <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
              {std.code} · {STANDARD_KIND_LABELS[std.kind][lang]}
            </Typography.Paragraph>
            {std.description && (
              <Typography.Paragraph ellipsis={{ rows: 2, tooltip: std.description }} style={{ marginBottom: 8 }}>
                {std.description}
              </Typography.Paragraph>
            )}
            <div className="cc-std-editions">
              {std.editions.map((e) => (
                <button
                  type="button"
                  key={e.id}
                  className="cc-std-edition"
                  onClick={() => onOpen(e.id)}
                  data-testid={`edition-${std.code}-${e.label}`}
                  aria-label={`${std.name} ${e.label}`}
                >
                  <span className="cc-std-edition__label">{e.label}</span>
                  <Tag color={STATE_COLOR[e.state]} style={{ marginInlineEnd: 0 }}>
                    {s.states[e.state]}
                  </Tag>
                  <span className="cc-std-edition__meta">
                    {s.items(e.itemCount)}
                    {e.maxScore !== null ? ` · ${s.maxScore} ${e.maxScore}` : ''}
                  </span>
                  <RightOutlined className="cc-std-edition__go" />
                </button>
              ))}
            </div>
          </Card>
        </Col>
      ))}
    </Row>
  );
}
