import { App, Form, Modal, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api/http';
import type { Case, Proposal } from '../api/types';
import { ErrorNotice } from '../components/ErrorNotice';
import { newUuid } from '../lib/uuid';
import { term } from '../terms';
import { ActionFields } from './ActionFields';
import { actionBody } from './action-body';
import type { CaseAction } from './available-actions';

export interface ActionModalProps {
  action: CaseAction | null;
  target: Case;
  onClose: () => void;
  onDone: (updated: Case) => void;
}

/** One action on one case: its form, the call (with an Idempotency-Key per opening), the error in place. */
export function ActionModal({ action, target, onClose, onDone }: ActionModalProps) {
  const [form] = Form.useForm();
  const { message } = App.useApp();
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // A retry of the same submission (a lost answer, a double click) acts once.
  const idempotencyKey = useMemo(() => newUuid(), [action, target.id]);

  useEffect(() => {
    setError(null);
    form.resetFields();
    if (action === 'agreement') form.setFieldsValue({ participants: [{}] });
    if (action !== 'dispatch' && action !== 'agreement') return;
    // 智能派单: the responsibility list proposes the units; the dispatcher confirms or changes them.
    const controller = new AbortController();
    api
      .get<Proposal>(`/categories/${encodeURIComponent(target.category)}/proposal`, { communityId: target.location.communityId }, controller.signal)
      .then((p) => {
        if (!form.getFieldValue('leadUnitId')) form.setFieldsValue({ leadUnitId: p.leadUnitId ?? undefined, cooperatingUnitIds: p.cooperatingUnitIds });
      })
      .catch(() => undefined); // no proposal: the dispatcher picks by hand
    return () => controller.abort();
  }, [action, target.id, target.category, target.location.communityId, form]);

  const submit = async () => {
    if (!action) return;
    const values = (await form.validateFields()) as Record<string, unknown>;
    setSending(true);
    setError(null);
    try {
      const updated = await api.post<Case>(`/cases/${target.id}/${action}`, actionBody(action, values), { 'idempotency-key': idempotencyKey });
      message.success(`${term('action', action)}成功：案件 ${target.caseNo} 现为「${term('status', updated.status)}」`);
      onDone(updated);
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setSending(false);
    }
  };

  return (
    <Modal
      open={action !== null}
      title={action ? `${term('action', action)} · ${target.caseNo}` : ''}
      okText={action ? `确认${term('action', action)}` : '确认'}
      cancelText="取消"
      confirmLoading={sending}
      onOk={() => void submit().catch(() => undefined)}
      onCancel={onClose}
      destroyOnHidden
      width={action === 'agreement' ? 760 : 560}
    >
      <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }}>
        {target.title}
      </Typography.Paragraph>
      <ErrorNotice error={error} />
      <Form form={form} layout="vertical" preserve={false}>
        {action && <ActionFields action={action} />}
      </Form>
    </Modal>
  );
}
