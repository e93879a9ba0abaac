import { Button, Space } from 'antd';
import { useState } from 'react';
import type { Case } from '../api/types';
import { useMe } from '../session';
import { term } from '../terms';
import { ActionModal } from './ActionModal';
import { availableActions, type CaseAction } from './available-actions';

const danger = new Set<CaseAction>(['reject', 'escalate', 'withdraw']);

/** The buttons of the actions this user may take on this case, each opening its form. */
export function CaseActions({ target, onDone, only }: { target: Case; onDone: (c: Case) => void; only?: CaseAction[] }) {
  const me = useMe();
  const [open, setOpen] = useState<CaseAction | null>(null);
  const actions = availableActions(me, target).filter((a) => !only || only.includes(a));
  if (actions.length === 0) return null;
  return (
    <>
      <Space wrap size={[8, 8]}>
        {actions.map((a, i) => (
          <Button key={a} size="small" type={i === 0 ? 'primary' : 'default'} danger={danger.has(a)} onClick={() => setOpen(a)}>
            {term('action', a)}
          </Button>
        ))}
      </Space>
      <ActionModal action={open} target={target} onClose={() => setOpen(null)} onDone={onDone} />
    </>
  );
}
