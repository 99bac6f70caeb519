import { App, type FormInstance } from 'antd';
import { useTranslation } from 'react-i18next';
import { useCallback } from 'react';
import { ApiError } from '../api/client';
import { useLanguage } from '../i18n';
import { applyFieldErrors, errorMessage, type FieldErrorOptions } from './errors';

/**
 * Report a failed action: field problems go onto the form, everything else into a toast.
 * Session expiry and a pending password change are handled by the app shell, so stay quiet.
 */
export function useReportError() {
  const { message } = App.useApp();
  const { t } = useTranslation();
  const lang = useLanguage();
  return useCallback(
    (err: unknown, form?: FormInstance, options?: FieldErrorOptions) => {
      if (err instanceof ApiError && (err.status === 401 || err.code === 'PASSWORD_CHANGE_REQUIRED')) return;
      if (form && options) {
        const { placed, unplaced } = applyFieldErrors(form, err, options);
        if (placed) {
          if (unplaced.length > 0) void message.error(unplaced.join('；'));
          else if (err instanceof ApiError && err.code === 'VALIDATION_FAILED') void message.error(t('common.fixErrors'));
          return;
        }
      }
      void message.error(errorMessage(err, t, lang));
    },
    [message, t, lang],
  );
}
