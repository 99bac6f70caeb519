import { useEffect, useState } from 'react';
import { Typography, Upload } from 'antd';
import type { UploadFile } from 'antd';
import { CameraOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { PHOTO_ACCEPT, PHOTO_MAX_BYTES, uploadCasePhoto, type UploadedPhoto } from '../../api/cases';
import { useLanguage } from '../../i18n';
import { errorMessage } from '../../lib/errors';

/** A photo that is on the server: its id goes into the case's `photos`. */
export interface PhotoValue {
  uid: string;
  fileId: number;
  name: string;
}

const TYPES = PHOTO_ACCEPT.split(',');

/**
 * Photos of a case: the phone's camera opens directly (capture="environment"); each photo is sent at
 * once to POST /case-photos and its id kept. The server checks the content; its refusal (wrong type,
 * too large) is shown under the photos in the user's language.
 */
export function PhotoUpload({
  value,
  onChange,
  max = 9,
  id,
  'data-testid': testId = 'photo-upload',
}: {
  value?: PhotoValue[] | null;
  onChange?: (value: PhotoValue[]) => void;
  max?: number;
  id?: string;
  'data-testid'?: string;
}) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [fileList, setFileList] = useState<UploadFile<UploadedPhoto>[]>([]);
  const [error, setError] = useState<string | null>(null);

  // The form was reset (or the dialog reopened): start again with no photos.
  const empty = !value || value.length === 0;
  useEffect(() => {
    if (empty) setFileList((list) => (list.some((f) => f.status === 'done') ? list.filter((f) => f.status !== 'done') : list));
  }, [empty]);

  const emit = (list: UploadFile<UploadedPhoto>[]) =>
    onChange?.(list.filter((f) => f.status === 'done' && f.response).map((f) => ({ uid: f.uid, fileId: f.response!.id, name: f.name })));

  return (
    <div className="cc-photos" data-testid={testId} id={id}>
      <Upload<UploadedPhoto>
        listType="picture-card"
        accept={PHOTO_ACCEPT}
        capture="environment"
        multiple
        maxCount={max}
        fileList={fileList}
        showUploadList={{ showPreviewIcon: false }}
        beforeUpload={(file) => {
          setError(null);
          if (file.type && !TYPES.includes(file.type)) {
            setError(t('cases.photos.wrongType', { name: file.name }));
            return Upload.LIST_IGNORE;
          }
          if (file.size > PHOTO_MAX_BYTES) {
            setError(t('cases.photos.tooLarge', { name: file.name }));
            return Upload.LIST_IGNORE;
          }
          return true;
        }}
        customRequest={({ file, onSuccess, onError }) => {
          uploadCasePhoto(file as File).then(
            (photo) => onSuccess?.(photo),
            (err: unknown) => {
              // The server's verdict (415 not an image, 413 too large …), already in the UI language.
              setError(err instanceof ApiError && err.message ? err.message : errorMessage(err, t, lang));
              onError?.(err as Error);
            },
          );
        }}
        onChange={({ fileList: list }) => {
          const kept = list.filter((f) => f.status !== 'error');
          setFileList(kept);
          emit(kept);
        }}
      >
        {fileList.length < max && (
          <button type="button" className="cc-photos__add" data-testid={`${testId}-add`}>
            <CameraOutlined />
            <div>{t('cases.photos.add')}</div>
          </button>
        )}
      </Upload>
      <Typography.Text type={error ? 'danger' : 'secondary'} className="cc-photos__hint" role={error ? 'alert' : undefined} data-testid={`${testId}-message`}>
        {error ?? t('cases.photos.hint', { max })}
      </Typography.Text>
    </div>
  );
}
