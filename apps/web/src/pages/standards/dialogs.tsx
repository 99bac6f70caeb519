import { useState } from 'react';
import { Alert, App, Button, Form, Input, InputNumber, Modal, Select, Table, Upload, type ButtonProps } from 'antd';
import { InboxOutlined, UploadOutlined } from '@ant-design/icons';
import { STANDARD_KIND_LABELS, STANDARD_KINDS, type CreateStandardBody, type EditionView, type ImportProblem, type StandardKind } from '@cc/domain';
import { invalidDetails } from '../../api/imports';
import { useLanguage } from '../../i18n';
import { useReportError } from '../../lib/useReportError';
import { useStandardMutations } from './api';
import type { StandardsStrings } from './strings';

const CODE = /^[A-Za-z0-9_.-]{1,32}$/;

/** The row problems of a refused Excel file: row, column, why. */
export function ImportProblems({ s, message, problems }: { s: StandardsStrings; message: string; problems: ImportProblem[] }) {
  return (
    <div data-testid="import-problems">
      <Alert type="error" showIcon title={message || s.importProblems} style={{ marginBottom: 8 }} />
      <Table
        size="small"
        rowKey={(_, i) => String(i)}
        pagination={problems.length > 10 ? { pageSize: 10, size: 'small' } : false}
        dataSource={problems}
        scroll={{ x: 480 }}
        columns={[
          { title: s.row, dataIndex: 'row', width: 56 },
          { title: s.column, dataIndex: 'column', width: 96, render: (v: string | null) => v ?? '—' },
          { title: s.problem, dataIndex: 'message' },
        ]}
      />
    </div>
  );
}

/** 新建标准: an empty draft, or one filled from an Excel file. */
export function NewStandardModal({ s, open, onClose, onCreated }: { s: StandardsStrings; open: boolean; onClose: () => void; onCreated: (e: EditionView) => void }) {
  const lang = useLanguage();
  const { message } = App.useApp();
  const report = useReportError();
  const [form] = Form.useForm<CreateStandardBody>();
  const [file, setFile] = useState<File | null>(null);
  const [refused, setRefused] = useState<{ message: string; problems: ImportProblem[] } | null>(null);
  const { create, importNew } = useStandardMutations();
  const busy = create.isPending || importNew.isPending;

  const submit = async () => {
    const values = await form.validateFields();
    const body: CreateStandardBody = { ...values, maxScore: values.maxScore ?? null };
    setRefused(null);
    try {
      const e = file ? await importNew.mutateAsync({ body, file }) : await create.mutateAsync(body);
      void message.success(file ? s.imported(e.nodes.length) : s.created);
      form.resetFields();
      setFile(null);
      onCreated(e);
    } catch (err) {
      const d = invalidDetails(err);
      if (d) setRefused({ message: (err as Error).message, problems: d.problems });
      else report(err, form, { fields: ['code', 'name', 'kind', 'label', 'maxScore'] });
    }
  };

  return (
    <Modal
      open={open}
      title={s.newTitle2}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={s.ok}
      cancelText={s.cancel}
      confirmLoading={busy}
      destroyOnHidden
      width={refused ? 720 : 520}
      okButtonProps={{ 'data-testid': 'new-standard-ok' } as ButtonProps}
    >
      <Form form={form} layout="vertical" initialValues={{ kind: 'local' as StandardKind }} data-testid="new-standard-form">
        <Form.Item name="code" label={s.stdCode} extra={s.stdCodeHint} rules={[{ required: true, message: s.required }, { pattern: CODE, message: s.codeRule }]}>
          <Input maxLength={32} />
        </Form.Item>
        <Form.Item name="name" label={s.stdName} rules={[{ required: true, message: s.required, whitespace: true }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="kind" label={s.stdKind} rules={[{ required: true, message: s.required }]}>
          <Select options={STANDARD_KINDS.map((k) => ({ value: k, label: STANDARD_KIND_LABELS[k][lang] }))} />
        </Form.Item>
        <div className="cc-std-form-row">
          <Form.Item name="label" label={s.stdLabel} style={{ flex: '1 1 160px' }} rules={[{ required: true, message: s.required, whitespace: true }]}>
            <Input maxLength={40} placeholder="2026" />
          </Form.Item>
          <Form.Item name="maxScore" label={s.maxScoreField} tooltip={s.maxScoreHint} style={{ flex: '1 1 120px' }}>
            <InputNumber min={0} max={1000} style={{ width: '100%' }} />
          </Form.Item>
        </div>
        <Form.Item label={s.stdFile} extra={s.stdFileHint}>
          <Upload
            accept=".xlsx"
            maxCount={1}
            fileList={file ? [{ uid: 'f', name: file.name, status: 'done' }] : []}
            beforeUpload={(f) => {
              setFile(f);
              setRefused(null);
              return false;
            }}
            onRemove={() => {
              setFile(null);
              setRefused(null);
            }}
          >
            <Button icon={<UploadOutlined />}>{s.chooseFile}</Button>
          </Upload>
        </Form.Item>
      </Form>
      {refused && <ImportProblems s={s} {...refused} />}
    </Modal>
  );
}

/** 复制为新版本: asks for the new edition's label. */
export function CopyModal({ s, edition, open, onClose, onCopied }: { s: StandardsStrings; edition: EditionView; open: boolean; onClose: () => void; onCopied: (e: EditionView) => void }) {
  const { message } = App.useApp();
  const report = useReportError();
  const [form] = Form.useForm<{ label: string }>();
  const { copy } = useStandardMutations();
  const submit = async () => {
    const { label } = await form.validateFields();
    try {
      const e = await copy.mutateAsync({ id: edition.id, body: { label: label.trim() } });
      void message.success(s.copied);
      onCopied(e);
    } catch (err) {
      report(err, form, { fields: ['label'] });
    }
  };
  return (
    <Modal
      open={open}
      title={s.copyTitle}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={s.ok}
      cancelText={s.cancel}
      confirmLoading={copy.isPending}
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'copy-ok' } as ButtonProps}
    >
      <Form form={form} layout="vertical" onFinish={() => void submit()}>
        <Form.Item name="label" label={s.copyLabel} extra={s.copyLabelHint} rules={[{ required: true, message: s.required, whitespace: true }]}>
          <Input maxLength={40} autoFocus data-testid="copy-label" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 导入 Excel into a draft: replaces its tree; a refused file lists its problems by row. */
export function ImportModal({ s, edition, open, onClose, onImported }: { s: StandardsStrings; edition: EditionView; open: boolean; onClose: () => void; onImported: (e: EditionView) => void }) {
  const { message } = App.useApp();
  const report = useReportError();
  const { importInto } = useStandardMutations();
  const [refused, setRefused] = useState<{ message: string; problems: ImportProblem[] } | null>(null);
  const run = async (file: File) => {
    setRefused(null);
    try {
      const e = await importInto.mutateAsync({ id: edition.id, version: edition.version, file });
      void message.success(s.imported(e.nodes.length));
      onImported(e);
    } catch (err) {
      const d = invalidDetails(err);
      if (d) setRefused({ message: (err as Error).message, problems: d.problems });
      else report(err);
    }
  };
  return (
    <Modal
      open={open}
      title={s.importTitle}
      onCancel={() => {
        setRefused(null);
        onClose();
      }}
      footer={null}
      destroyOnHidden
      width={refused ? 760 : 520}
    >
      <Alert type="warning" showIcon title={s.importReplace} style={{ marginBottom: 12 }} />
      <Upload.Dragger
        accept=".xlsx"
        showUploadList={false}
        disabled={importInto.isPending}
        beforeUpload={(f) => {
          // Any file goes to the server, which says precisely what is wrong with it (IMPORT_NOT_XLSX …).
          void run(f);
          return false;
        }}
        data-testid="import-dragger"
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{s.importDrop}</p>
      </Upload.Dragger>
      {refused && <div style={{ marginTop: 12 }}><ImportProblems s={s} {...refused} /></div>}
    </Modal>
  );
}
