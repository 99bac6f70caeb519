import { useState } from 'react';
import { Alert, App, Button, DatePicker, Form, Input, Modal, Space, Typography } from 'antd';
import type { ButtonProps } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { CaseEvent, CaseView } from '@cc/domain';
import { useCaseMutations } from '../../api/cases';
import { useAuth } from '../../app/auth';
import { useLanguage } from '../../i18n';
import { PhotoUpload, type PhotoValue } from '../../components/cases/PhotoUpload';
import { UnitSelect } from '../../components/UnitSelect';
import { isApiError } from '../../lib/errors';
import { conflictMessage, normaliseFieldErrors } from '../../lib/cases';
import { useReportError } from '../../lib/useReportError';
import { CaseLookup } from './CaseLookup';
import { cityDay, cityInstant } from '../../lib/time';

export type CaseAction = CaseEvent | 'hide';

interface Spec {
  note: 'required' | 'optional';
  photos?: 'required' | 'optional';
  unit?: boolean;
  /** The office may set another deadline (only the office: the server refuses it from others). */
  deadline?: boolean;
  merge?: boolean;
  tone?: 'primary' | 'danger';
}

/** What each action asks for; the server checks the same (reasons, the after-photo). */
const SPECS: Record<CaseAction, Spec> = {
  accept: { note: 'optional', tone: 'primary' },
  submit: { note: 'optional', photos: 'required', tone: 'primary' },
  resume: { note: 'optional', tone: 'primary' },
  verify_pass: { note: 'optional', photos: 'optional', tone: 'primary' },
  verify_fail: { note: 'required', photos: 'optional', tone: 'danger' },
  register: { note: 'optional', tone: 'primary' },
  assign: { note: 'optional', unit: true, deadline: true, tone: 'primary' },
  approve_return: { note: 'optional', tone: 'primary' },
  approve_deferral: { note: 'optional', tone: 'primary' },
  end_deferral: { note: 'optional', deadline: true, tone: 'primary' },
  relapse: { note: 'required', photos: 'optional', deadline: true, tone: 'danger' },
  escalate: { note: 'optional', tone: 'danger' },
  request_return: { note: 'required' },
  request_deferral: { note: 'required' },
  deny_return: { note: 'required' },
  deny_deferral: { note: 'required' },
  reject: { note: 'required', tone: 'danger' },
  merge: { note: 'optional', merge: true },
  cancel: { note: 'required', tone: 'danger' },
  hide: { note: 'optional' },
};
/** Button order: the step forward first, the exceptions after. */
const ORDER = Object.keys(SPECS) as CaseAction[];

interface Values {
  note?: string;
  photos?: PhotoValue[];
  unitId?: number | null;
  deadlineAt?: Dayjs | null;
  intoCaseId?: number | null;
}
const FIELDS = ['note', 'photos', 'unitId', 'deadlineAt', 'intoCaseId'];

/**
 * The buttons of the actions the server allows now (CaseView.actions) and the small form each one
 * asks for. A stale version (someone else acted) gets the server's message and a reload.
 */
export function CaseActions({ c, onConflict }: { c: CaseView; onConflict: () => void }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const { message } = App.useApp();
  const { can } = useAuth();
  const report = useReportError();
  const m = useCaseMutations();
  const [action, setAction] = useState<CaseAction | null>(null);
  const [form] = Form.useForm<Values>();
  const actions = ORDER.filter((a) => c.actions.includes(a));
  const office = can('case.manage');

  const label = (a: CaseAction) => (a === 'hide' ? (c.hidden ? t('cases.actions.unhide') : t('cases.actions.hide')) : t(`cases.actions.${a}`));

  const openAction = (a: CaseAction) => {
    form.resetFields();
    form.setFieldsValue({ note: '', photos: [], unitId: a === 'assign' ? (c.unit?.id ?? null) : null, deadlineAt: null, intoCaseId: null });
    setAction(a);
  };

  const onOk = async () => {
    if (!action) return;
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const note = v.note?.trim() || undefined;
    try {
      if (action === 'hide') {
        await m.visibility.mutateAsync({ id: c.id, body: { hidden: !c.hidden, reason: note, version: c.version } });
      } else {
        const spec = SPECS[action];
        await m.transition.mutateAsync({
          id: c.id,
          body: {
            event: action,
            version: c.version,
            note,
            photos: v.photos?.length ? v.photos.map((p) => ({ fileId: p.fileId })) : undefined,
            unitId: spec.unit && v.unitId ? v.unitId : undefined,
            deadlineAt: spec.deadline && office && v.deadlineAt ? cityInstant(v.deadlineAt) : undefined,
            intoCaseId: spec.merge && v.intoCaseId ? v.intoCaseId : undefined,
          },
        });
      }
      void message.success(t('cases.actionDone', { action: label(action) }));
      setAction(null);
    } catch (err) {
      // Someone else acted first: say so in the server's words and show the case as it is now.
      if (isApiError(err, 'CASE_VERSION_CONFLICT') || isApiError(err, 'CONFLICT') || isApiError(err, 'TRANSITION_NOT_ALLOWED')) {
        void message.warning({ content: conflictMessage(err, t, lang), key: 'case-conflict', duration: 6 });
        setAction(null);
        onConflict();
        return;
      }
      report(normaliseFieldErrors(err), form, {
        fields: FIELDS,
        codeFields: {
          CASE_NOTE_REQUIRED: 'note',
          CASE_PHOTO_REQUIRED: 'photos',
          CASE_PHOTO_INVALID: 'photos',
          CASE_MERGE_INVALID: 'intoCaseId',
          CASE_DEADLINE_PAST: 'deadlineAt',
          CASE_NO_UNIT: 'unitId',
          CASE_UNIT_INVALID: 'unitId',
        },
      });
    }
  };

  if (!actions.length) {
    return (
      <Typography.Text type="secondary" data-testid="case-no-actions">
        {c.stateCategory === 'closed' ? t('cases.detail.noActionsClosed') : t('cases.detail.noActions')}
      </Typography.Text>
    );
  }

  const spec = action ? SPECS[action] : null;
  const pending = m.transition.isPending || m.visibility.isPending;
  return (
    <>
      <Space wrap size={8} data-testid="case-actions" className="cc-case-actions">
        {actions.map((a) => (
          <Button
            key={a}
            type={SPECS[a].tone === 'primary' ? 'primary' : 'default'}
            danger={SPECS[a].tone === 'danger'}
            onClick={() => openAction(a)}
            data-testid={`action-${a}`}
          >
            {label(a)}
          </Button>
        ))}
      </Space>
      <Modal
        open={action !== null}
        title={action ? t('cases.actionTitle', { action: label(action), number: c.number }) : ''}
        okText={action ? label(action) : ''}
        okButtonProps={{ danger: spec?.tone === 'danger', 'data-testid': 'action-ok' } as ButtonProps}
        confirmLoading={pending}
        onOk={() => void onOk()}
        onCancel={() => setAction(null)}
        forceRender
      >
        {action && (
          <Typography.Paragraph type="secondary" data-testid="action-hint">
            {action === 'hide' ? (c.hidden ? t('cases.hints.unhide') : t('cases.hints.hide')) : t(`cases.hints.${action}`)}
          </Typography.Paragraph>
        )}
        {action === 'assign' && !c.unit && <Alert type="warning" showIcon title={t('cases.form.noUnitYet')} style={{ marginBottom: 12 }} />}
        <Form<Values> form={form} layout="vertical" name="case-action" data-testid="action-form" requiredMark="optional">
          {spec?.unit && (
            <Form.Item name="unitId" label={t('cases.form.unit')} rules={[{ required: true, message: t('cases.form.unitRequired') }]}>
              <UnitSelect />
            </Form.Item>
          )}
          {spec?.deadline && office && (
            <Form.Item name="deadlineAt" label={t('cases.form.deadline')} extra={t('cases.form.deadlineHint')}>
              <DatePicker
                showTime={{ format: 'HH:mm' }}
                format="YYYY-MM-DD HH:mm"
                style={{ width: '100%' }}
                disabledDate={(d) => d.isBefore(cityDay(), 'day')}
                inputReadOnly
              />
            </Form.Item>
          )}
          {spec?.merge && (
            <Form.Item name="intoCaseId" label={t('cases.form.mergeInto')} rules={[{ required: true, message: t('cases.form.mergeRequired') }]}>
              <CaseLookup exclude={c.id} />
            </Form.Item>
          )}
          {spec?.photos && (
            <Form.Item
              name="photos"
              label={action === 'submit' ? t('cases.form.afterPhotos') : t('cases.form.photos')}
              rules={spec.photos === 'required' ? [{ required: true, type: 'array', min: 1, message: t('cases.form.afterPhotoRequired') }] : []}
            >
              <PhotoUpload data-testid="action-photos" />
            </Form.Item>
          )}
          {spec && action && (
            <Form.Item
              name="note"
              label={t(`cases.noteLabels.${action}`)}
              rules={[
                ...(spec.note === 'required' ? [{ required: true, whitespace: true, message: t('cases.form.noteRequired', { what: t(`cases.noteLabels.${action}`) }) }] : []),
                { max: 1000 },
              ]}
            >
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={1000} showCount data-testid="action-note" />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </>
  );
}
