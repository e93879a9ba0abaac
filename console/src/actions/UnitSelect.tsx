import { Select } from 'antd';
import type { CSSProperties } from 'react';
import { useReference } from '../hooks/useReference';

/** A unit picker (single or several), searchable by name. antd's Form.Item passes value and onChange. */
export function UnitSelect(props: { value?: string | string[]; onChange?: (v: string | string[]) => void; multiple?: boolean; placeholder?: string; style?: CSSProperties }) {
  const { units, ready } = useReference();
  return (
    <Select
      value={props.value}
      onChange={props.onChange}
      mode={props.multiple ? 'multiple' : undefined}
      loading={!ready}
      allowClear
      placeholder={props.placeholder ?? '选择单位'}
      style={props.style}
      showSearch={{ optionFilterProp: 'label' }}
      options={units.filter((u) => u.active !== false).map((u) => ({ value: u.id, label: u.name }))}
    />
  );
}
