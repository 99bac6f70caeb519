import { useMemo } from 'react';
import { useNavigate } from 'react-router';
import { App, Button, Card, DatePicker, Form, Input, Select, Space, Typography } from 'antd';
import { SendOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { CaseSource, Me } from '@cc/domain';
import { useCaseMutations, useCasePreview, useCaseSettings } from '../api/cases';
import { useAuth, useMe } from '../app/auth';
import { CategorySelect } from '../components/cases/CategorySelect';
import { PhotoUpload, type PhotoValue } from '../components/cases/PhotoUpload';
import type { Place } from '../components/cases/PlacePicker';
import { PageHeader } from '../components/PageHeader';
import { UnitSelect } from '../components/UnitSelect';
import { useLanguage } from '../i18n';
import { normaliseFieldErrors, sourceLabel } from '../lib/cases';
import { useReportError } from '../lib/useReportError';
import { PlaceField } from './cases/PlaceField';
import { PreviewPanel } from './cases/PreviewPanel';
import './cases/cases.css';
import { cityDay, cityInstant } from '../lib/time';

interface Values {
  categoryCode?: string | null;
  place?: Place | null;
  address?: string;
  description?: string;
  photos?: PhotoValue[];
  source?: CaseSource;
  unitId?: number | null;
  deadlineAt?: Dayjs | null;
}
const FIELDS = ['categoryCode', 'place', 'address', 'description', 'photos', 'source', 'unitId', 'deadlineAt'];

/**
 * The sources a user may report from: the office records any (phone calls, the media, leaders'
 * instructions); an inspector reports patrols and inspections; a grid worker and a unit's staff
 * what they find in their grid; a leader their own instructions. Citizens use the public page.
 */
function sourcesFor(me: Me, office: boolean): CaseSource[] {
  if (office) return ['office', 'inspection', 'inspector', 'grid_worker', 'leader', 'hotline', 'media'];
  const s: CaseSource[] = [];
  if (me.roles.includes('inspector')) s.push('inspector', 'inspection');
  if (me.roles.includes('leader')) s.push('leader');
  if (me.roles.includes('grid_worker') || s.length === 0) s.push('grid_worker');
  return s;
}

/** 上报问题: what, where (map or the phone's position), photos — and, before saving, where it will go. */
export default function NewCasePage() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const me = useMe();
  const { can } = useAuth();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const report = useReportError();
  const { create } = useCaseMutations();
  const settings = useCaseSettings();
  const office = can('case.manage');
  const sources = useMemo(() => sourcesFor(me, office), [me, office]);
  const [form] = Form.useForm<Values>();
  const category = Form.useWatch('categoryCode', form);
  const place = Form.useWatch('place', form);
  const source = Form.useWatch('source', form);
  const unitId = Form.useWatch('unitId', form);
  const deadlineAt = Form.useWatch('deadlineAt', form);
  const preview = useCasePreview(place && category ? { lat: place.lat, lng: place.lng, categoryCode: category } : null);
  const autoAssign = office || (!!source && (settings.data?.autoAssignSources ?? []).includes(source));

  const onFinish = async (v: Values) => {
    try {
      const created = await create.mutateAsync({
        source: v.source!,
        categoryCode: v.categoryCode!,
        description: v.description!.trim(),
        lat: v.place!.lat,
        lng: v.place!.lng,
        address: v.address?.trim() || undefined,
        photos: v.photos?.length ? v.photos.map((p) => ({ fileId: p.fileId })) : undefined,
        unitId: office && v.unitId ? v.unitId : undefined,
        deadlineAt: office && v.deadlineAt ? cityInstant(v.deadlineAt) : undefined,
      });
      void message.success(t('cases.new.created', { number: created.number }));
      navigate(`/cases/${created.id}`, { replace: true });
    } catch (err) {
      report(normaliseFieldErrors(err), form, {
        fields: FIELDS,
        fieldMap: { lat: 'place', lng: 'place' },
        codeFields: {
          CASE_OUTSIDE_CITY: 'place',
          CASE_UNKNOWN_CATEGORY: 'categoryCode',
          CASE_SOURCE_NOT_ALLOWED: 'source',
          CASE_DEADLINE_PAST: 'deadlineAt',
          CASE_UNIT_INVALID: 'unitId',
          CASE_PHOTO_INVALID: 'photos',
        },
      });
    }
  };

  return (
    <div className="cc-new-case">
      <PageHeader title={t('cases.new.title')} />
      <Card>
        <Form<Values>
          form={form}
          layout="vertical"
          name="new-case"
          requiredMark="optional"
          initialValues={{ source: sources[0], photos: [], place: null }}
          onFinish={(v) => void onFinish(v)}
          onFinishFailed={() => void message.error(t('common.fixErrors'))}
          scrollToFirstError={{ block: 'center' }}
          data-testid="new-case-form"
        >
          <Form.Item name="categoryCode" label={t('cases.category')} rules={[{ required: true, message: t('cases.new.categoryRequired') }]}>
            <CategorySelect data-testid="new-case-category" />
          </Form.Item>
          <Form.Item name="place" label={t('cases.new.place')} rules={[{ required: true, message: t('cases.new.placeRequired') }]}>
            <PlaceField />
          </Form.Item>
          {place && category && (
            <PreviewPanel
              preview={preview.data}
              loading={preview.isFetching}
              error={preview.isError ? preview.error : null}
              autoAssign={autoAssign}
              unitOverride={office && !!unitId}
              deadlineOverride={office && !!deadlineAt}
            />
          )}
          <Form.Item name="address" label={t('cases.address')} rules={[{ max: 200 }]} extra={t('cases.new.addressHint')}>
            <Input maxLength={200} placeholder={t('cases.new.addressPlaceholder')} />
          </Form.Item>
          <Form.Item
            name="description"
            label={t('cases.new.description')}
            rules={[
              { required: true, whitespace: true, message: t('cases.new.descriptionRequired') },
              { min: 2, message: t('cases.new.descriptionShort') },
              { max: 2000 },
            ]}
          >
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={2000} showCount placeholder={t('cases.new.descriptionPlaceholder')} />
          </Form.Item>
          <Form.Item name="photos" label={t('cases.new.photos')}>
            <PhotoUpload data-testid="new-case-photos" />
          </Form.Item>
          <Form.Item name="source" label={t('cases.source')} rules={[{ required: true, message: t('cases.new.sourceRequired') }]}>
            <Select<CaseSource> options={sources.map((s) => ({ value: s, label: sourceLabel(s, lang) }))} disabled={sources.length === 1} data-testid="new-case-source" />
          </Form.Item>
          {office && (
            <>
              <Typography.Paragraph type="secondary">{t('cases.new.officeHint')}</Typography.Paragraph>
              <Form.Item name="unitId" label={t('cases.new.unitOverride')}>
                <UnitSelect placeholder={t('cases.new.unitOverridePlaceholder')} />
              </Form.Item>
              <Form.Item name="deadlineAt" label={t('cases.new.deadlineOverride')}>
                <DatePicker
                  showTime={{ format: 'HH:mm' }}
                  format="YYYY-MM-DD HH:mm"
                  style={{ width: '100%' }}
                  disabledDate={(d) => d.isBefore(cityDay(), 'day')}
                  inputReadOnly
                />
              </Form.Item>
            </>
          )}
          <Space wrap>
            <Button type="primary" htmlType="submit" icon={<SendOutlined />} loading={create.isPending} size="large" data-testid="new-case-submit">
              {t('cases.new.submit')}
            </Button>
            <Button size="large" onClick={() => navigate(-1)}>
              {t('common.cancel')}
            </Button>
          </Space>
        </Form>
      </Card>
    </div>
  );
}
