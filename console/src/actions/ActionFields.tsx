import { Button, Checkbox, Form, Input, Radio, Select, Space } from 'antd';
import type { CaseAction } from './available-actions';
import { UnitSelect } from './UnitSelect';
import { zh } from '../terms';

const required = (message: string) => [{ required: true, whitespace: true, message }];

const extensionChoices = ['P1D', 'P2D', 'P3D', 'P5D', 'P7D', 'P10D'].map((d) => ({ value: d, label: `${d.slice(1, -1)} 天（${d}）` }));

/** The form fields of each action, named as the API's body fields. */
export function ActionFields({ action }: { action: CaseAction }) {
  switch (action) {
    case 'handle-directly':
      return (
        <Form.Item name="note" label="处理说明" rules={required('请填写如何当场处理')}>
          <Input.TextArea rows={3} placeholder="如：已联系物业当场更换井盖" />
        </Form.Item>
      );
    case 'dispatch':
      return (
        <>
          <Form.Item name="leadUnitId" label="牵头单位" rules={[{ required: true, message: '请选择牵头单位' }]}>
            <UnitSelect placeholder="按权责清单建议，可修改" />
          </Form.Item>
          <Form.Item name="cooperatingUnitIds" label="协办单位">
            <UnitSelect multiple />
          </Form.Item>
          <Form.Item name="note" label="派单说明">
            <Input.TextArea rows={2} />
          </Form.Item>
        </>
      );
    case 'agreement':
      return (
        <>
          <Form.Item name="leadUnitId" label="牵头单位" rules={[{ required: true, message: '请选择牵头单位' }]}>
            <UnitSelect />
          </Form.Item>
          <Form.Item name="cooperatingUnitIds" label="协办单位">
            <UnitSelect multiple />
          </Form.Item>
          <Form.Item label="参会各方" required>
            <Form.List name="participants" rules={[{ validator: async (_, v: unknown[]) => (v?.length ? undefined : Promise.reject(new Error('至少一位参会人'))) }]}>
              {(fields, { add, remove }, { errors }) => (
                <>
                  {fields.map((field) => (
                    <Space key={field.key} align="baseline" wrap>
                      <Form.Item name={[field.name, 'name']} rules={required('姓名')}>
                        <Input placeholder="姓名" style={{ width: 110 }} />
                      </Form.Item>
                      <Form.Item name={[field.name, 'unitId']}>
                        <UnitSelect placeholder="所属单位（可选）" style={{ width: 210 }} />
                      </Form.Item>
                      <Form.Item name={[field.name, 'role']}>
                        <Input placeholder="身份，如居民代表" style={{ width: 130 }} />
                      </Form.Item>
                      <Button type="link" onClick={() => remove(field.name)}>
                        删除
                      </Button>
                    </Space>
                  ))}
                  <Button onClick={() => add({})}>添加参会人</Button>
                  <Form.ErrorList errors={errors} />
                </>
              )}
            </Form.List>
          </Form.Item>
          <Form.Item name="plan" label="商定方案" rules={required('请填写商定的方案')}>
            <Input.TextArea rows={3} placeholder="如：先排查管线、再回填硬化" />
          </Form.Item>
          <Form.Item name="costSharing" label="费用分担">
            <Input placeholder="如：28户按面积分摊" />
          </Form.Item>
        </>
      );
    case 'escalate':
      return (
        <Form.Item name="reason" label="吹哨理由" rules={required('请填写为何需要上一级协调')}>
          <Input.TextArea rows={3} placeholder="如：涉及多家单位，本级无法协调" />
        </Form.Item>
      );
    case 'merge':
      return (
        <Form.Item name="intoCaseId" label="并入的主案件编号" rules={[{ required: true, pattern: /^\d{8,20}$/, message: '请输入 8–20 位数字的案件编号' }]}>
          <Input placeholder="主案件编号" />
        </Form.Item>
      );
    case 'complex':
    case 'pause':
    case 'withdraw':
      return (
        <Form.Item
          name="reason"
          label={{ complex: '申请理由', pause: '暂停原因（等待诉求人补充的材料）', withdraw: '撤回原因' }[action]}
          rules={required('请填写原因')}
        >
          <Input.TextArea rows={3} />
        </Form.Item>
      );
    case 'accept':
    case 'resume':
      return (
        <Form.Item name="note" label="说明（可选）">
          <Input.TextArea rows={2} />
        </Form.Item>
      );
    case 'reject':
      return (
        <Form.Item name="reason" label="退单理由" rules={[...required('请填写退单理由'), { min: 5, message: '退单理由至少 5 个字' }]}>
          <Input.TextArea rows={3} placeholder="说明为何不属于本单位职责，建议由哪个单位办理" />
        </Form.Item>
      );
    case 'progress':
      return (
        <Form.Item name="note" label="进展情况" rules={required('请填写进展')}>
          <Input.TextArea rows={3} />
        </Form.Item>
      );
    case 'extension':
      return (
        <>
          <Form.Item name="duration" label="延长时间" rules={[{ required: true, message: '请选择延长多久' }]} extra="加在当前办结时限上：一般类、复杂件按工作日计，紧急类、水电气热类按自然日计；须督办人员批准，最多延期一次">
            <Select options={extensionChoices} />
          </Form.Item>
          <Form.Item name="reason" label="延期理由" rules={required('请填写延期理由')}>
            <Input.TextArea rows={3} />
          </Form.Item>
        </>
      );
    case 'resolve':
      return (
        <>
          <Form.Item name="summary" label="办理结果" rules={required('请填写办理结果')}>
            <Input.TextArea rows={3} />
          </Form.Item>
          <Form.Item name="evidence" label="佐证材料链接" extra="粘贴照片或文件的网址，回车添加">
            <Select mode="tags" open={false} suffixIcon={null} placeholder="https://..." />
          </Form.Item>
          <Form.Item name="explainedUnresolved" valuePropName="checked">
            <Checkbox>因客观原因未能解决，已向诉求人解释说明</Checkbox>
          </Form.Item>
        </>
      );
    case 'callback':
      return (
        <>
          <Form.Item name="rating" label="诉求人评价" rules={[{ required: true, message: '请选择评价' }]}>
            <Radio.Group options={Object.entries(zh.rating).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
          <Form.Item name="comment" label="回访记录">
            <Input.TextArea rows={2} />
          </Form.Item>
        </>
      );
    case 'extension/decision':
    case 'complex/decision':
      return (
        <>
          <Form.Item name="approve" label="审批结果" rules={[{ required: true, message: '请选择同意或不同意' }]}>
            <Radio.Group
              options={[
                { value: true, label: '同意' },
                { value: false, label: '不同意' },
              ]}
            />
          </Form.Item>
          <Form.Item name="note" label="审批意见">
            <Input.TextArea rows={2} />
          </Form.Item>
        </>
      );
  }
}
