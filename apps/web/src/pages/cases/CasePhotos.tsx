import { Empty, Image, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { CASE_PHOTO_STAGES, type CasePhotoView } from '@cc/domain';

/** Thumbnails of photos; a tap opens them full size, with the others of the group to swipe through. */
export function PhotoStrip({ photos, size = 88 }: { photos: readonly CasePhotoView[]; size?: number }) {
  const { t } = useTranslation();
  return (
    <Image.PreviewGroup>
      <div className="cc-photo-strip">
        {photos.map((p, i) => (
          <Image
            key={p.id}
            src={p.url}
            width={size}
            height={size}
            alt={t('cases.photos.alt', { n: i + 1 })}
            className="cc-photo-strip__img"
            data-testid="case-photo"
          />
        ))}
      </div>
    </Image.PreviewGroup>
  );
}

/** 上报照片 / 整改照片 / 复查照片: the before, after and re-check photos of a case. */
export function CasePhotos({ photos }: { photos: readonly CasePhotoView[] }) {
  const { t } = useTranslation();
  if (!photos.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('cases.photos.none')} />;
  return (
    <div className="cc-photo-groups">
      {CASE_PHOTO_STAGES.map((stage) => {
        const list = photos.filter((p) => p.stage === stage);
        if (!list.length) return null;
        return (
          <div key={stage} data-testid={`case-photos-${stage}`}>
            <Typography.Text strong>
              {t(`cases.photos.stage.${stage}`)} <Typography.Text type="secondary">({list.length})</Typography.Text>
            </Typography.Text>
            <PhotoStrip photos={list} />
          </div>
        );
      })}
    </div>
  );
}
