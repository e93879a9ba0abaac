import { Button, Card, Checkbox, Col, Form, Input, Radio, Row, Select, Space, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { api } from '../../api/http';
import type { Case } from '../../api/types';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useReference } from '../../hooks/useReference';
import { useIntakeSuggestions } from '../../hooks/useIntakeSuggestions';
import { newUuid } from '../../lib/uuid';
import { zh } from '../../terms';
import { categoryOptions } from './category-options';
import { PossibleDuplicates } from './PossibleDuplicates';
import { communityOptions, gridOptions } from './place-options';

export interface IntakeValues {
  requestType: string;
  category: string;
  title: string;
  description: string;
  urgency: string;
  channel: string;
  communityId: string;
  gridId?: string;
  address: string;
  reporterName?: string;
  reporterPhone?: string;
  attachments?: { url?: string; kind?: string }[];
  public?: boolean;
}

const choices = (table: Record<string, string>) => Object.entries(table).map(([value, label]) => ({ value, label }));
const opt = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);

function intakeBody(v: IntakeValues) {
  return {
    requestType: v.requestType,
    category: v.category,
    title: v.title.trim(),
    description: v.description.trim(),
    urgency: v.urgency,
    channel: v.channel,
    location: { communityId: v.communityId, gridId: v.gridId || undefined, address: v.address.trim() },
    reporter: { name: opt(v.reporterName), phone: opt(v.reporterPhone) },
    attachments: (v.attachments ?? []).filter((a) => a.url?.trim()).map((a) => ({ url: a.url!.trim(), kind: a.kind ?? 'image' })),
    // Only when the citizen agreed: the text then shows on the public board.
    ...(v.public ? { public: true } : {}),
  };
}

/** 受理登记: what a clerk fills in while the citizen is on the phone. */
export function IntakeForm({ onCreated, onPhoneChange }: { onCreated: (c: Case) => void; onPhoneChange: (phone: string | undefined) => void }) {
  const [form] = Form.useForm<IntakeValues>();
  const ref = useReference();
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // One key per case being taken: a resent form (lost answer, double click) opens it once.
  const [idempotencyKey, setIdempotencyKey] = useState(newUuid);
  const title = Form.useWatch('title', form);
  const description = Form.useWatch('description', form);
  const communityId = Form.useWatch('communityId', form);
  const category = Form.useWatch('category', form);
  const phone = Form.useWatch('reporterPhone', form);
  const suggestions = useIntakeSuggestions(ref.categories, { title, description, communityId, phone });
  const communities = useMemo(() => communityOptions(ref.jurisdictions), [ref.jurisdictions]);
  const grids = useMemo(() => gridOptions(ref.jurisdictions, communityId), [ref.jurisdictions, communityId]);
  const categories = useMemo(() => categoryOptions(ref.categories), [ref.categories]);

  const submit = async (values: IntakeValues) => {
    setSending(true);
    setError(null);
    try {
      const created = await api.post<Case>('/cases', intakeBody(values), { 'idempotency-key': idempotencyKey });
      form.resetFields();
      onPhoneChange(undefined);
      setIdempotencyKey(newUuid());
      onCreated(created);
    } catch (err) {
      setError(err);
    } finally {
      setSending(false);
    }
  };

  return (
    <Card title="受理登记">
      <ErrorNotice error={error ?? ref.error} />
      <Form<IntakeValues>
        form={form}
        layout="vertical"
        initialValues={{ requestType: 'report', urgency: 'normal', channel: 'hotline', attachments: [] }}
        onFinish={(v) => void submit(v)}
        onValuesChange={(changed: Partial<IntakeValues>) => 'reporterPhone' in changed && onPhoneChange(changed.reporterPhone)}
        scrollToFirstError
      >
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item name="channel" label="来源渠道" rules={[{ required: true }]}>
              <Select options={choices(zh.channel)} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="requestType" label="诉求类型" rules={[{ required: true }]}>
              <Select options={choices(zh.requestType)} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="urgency" label="紧急程度" rules={[{ required: true }]}>
              <Radio.Group options={choices(zh.urgency)} optionType="button" />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="reporterName" label="诉求人姓名">
              <Input placeholder="可不填（匿名）" maxLength={50} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="reporterPhone" label="诉求人电话" rules={[{ pattern: /^\+?[0-9-]{5,20}$/, message: '电话号码格式不正确（5–20 位数字）' }]}>
              <Input placeholder="如 13800005678" maxLength={20} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="title" label="诉求标题" rules={[{ required: true, whitespace: true, message: '请填写诉求标题' }]}>
          <Input maxLength={100} showCount placeholder="一句话说明问题，如：和谐路通信线缆下垂" />
        </Form.Item>
        <Form.Item name="description" label="诉求内容" rules={[{ required: true, whitespace: true, message: '请填写诉求内容' }]}>
          <Input.TextArea rows={4} maxLength={4000} showCount placeholder="记录诉求人所说的情况：位置、影响、持续多久" />
        </Form.Item>
        <Form.Item label="事项分类" required style={{ marginBottom: 0 }}>
          <Form.Item name="category" rules={[{ required: true, message: '请选择事项分类' }]}>
            <Select options={categories} loading={!ref.ready} showSearch={{ optionFilterProp: 'label' }} placeholder="选择或按名称搜索" />
          </Form.Item>
          {suggestions.categories.length > 0 && (
            <div style={{ marginTop: -16, marginBottom: 16 }} data-testid="category-suggestions">
              <Typography.Text type="secondary">{suggestions.source === 'model' ? '智能分类建议：' : '根据内容建议：'}</Typography.Text>
              <Space size={4} wrap>
                {suggestions.categories.map((s) => (
                  <Tag.CheckableTag key={s.id} checked={category === s.id} onChange={() => form.setFieldsValue({ category: s.id })}>
                    {s.name}
                  </Tag.CheckableTag>
                ))}
              </Space>
            </div>
          )}
        </Form.Item>
        <PossibleDuplicates duplicates={suggestions.duplicates} />
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="communityId" label="所在社区（村）" rules={[{ required: true, message: '请选择社区（村）' }]}>
              <Select
                options={communities}
                loading={!ref.ready}
                showSearch={{ optionFilterProp: 'label' }}
                placeholder="输入社区、村或街道名称搜索"
                onChange={() => form.setFieldsValue({ gridId: undefined })}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="gridId" label="网格">
              <Select options={grids} allowClear placeholder={grids.length ? '可选' : '该社区未划分网格'} disabled={!grids.length} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="address" label="详细地址" rules={[{ required: true, whitespace: true, message: '请填写详细地址' }]}>
          <Input maxLength={300} placeholder="如：开元街道小池社区和谐路 12 号门前" />
        </Form.Item>
        <Form.Item label="附件链接">
          <Form.List name="attachments">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field) => (
                  <Space key={field.key} align="baseline" style={{ display: 'flex' }}>
                    <Form.Item name={[field.name, 'kind']} initialValue="image">
                      <Select style={{ width: 90 }} options={choices(zh.attachmentKind)} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'url']} rules={[{ required: true, type: 'url', message: '请填写以 http(s):// 开头的网址' }]}>
                      <Input style={{ width: 420 }} placeholder="https://..." />
                    </Form.Item>
                    <Button type="link" onClick={() => remove(field.name)}>
                      删除
                    </Button>
                  </Space>
                ))}
                <Button onClick={() => add({ kind: 'image' })} disabled={fields.length >= 20}>
                  添加附件链接
                </Button>
              </>
            )}
          </Form.List>
        </Form.Item>
        <Form.Item name="public" valuePropName="checked">
          <Checkbox>诉求人同意在公开栏展示诉求标题和内容（不含姓名、电话）</Checkbox>
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={sending} size="large">
          提交受理
        </Button>
      </Form>
    </Card>
  );
}
