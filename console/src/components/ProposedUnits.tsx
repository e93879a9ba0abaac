import { Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api } from '../api/http';
import type { Proposal } from '../api/types';
import { useReference } from '../hooks/useReference';

const proposals = new Map<string, Promise<Proposal | null>>();

/** 智能派单: one proposal per category and community, asked once per page load. */
function proposalFor(category: string, communityId: string): Promise<Proposal | null> {
  const key = `${category}|${communityId}`;
  let found = proposals.get(key);
  if (!found) {
    found = api.get<Proposal>(`/categories/${encodeURIComponent(category)}/proposal`, { communityId }).catch(() => {
      proposals.delete(key);
      return null;
    });
    proposals.set(key, found);
  }
  return found;
}

/** The units the responsibility list proposes for a case: lead first, then the cooperating ones. */
export function ProposedUnits({ category, communityId }: { category: string; communityId: string }) {
  const { unitName } = useReference();
  const [proposal, setProposal] = useState<Proposal | null | undefined>();
  useEffect(() => {
    let live = true;
    void proposalFor(category, communityId).then((p) => live && setProposal(p));
    return () => {
      live = false;
    };
  }, [category, communityId]);
  if (proposal === undefined) return <Typography.Text type="secondary">…</Typography.Text>;
  if (!proposal?.leadUnitId) return <Typography.Text type="secondary">无建议（可直接办）</Typography.Text>;
  return (
    <div>
      <Tag color="blue">牵头 {unitName(proposal.leadUnitId)}</Tag>
      {proposal.cooperatingUnitIds.map((id) => (
        <Tag key={id}>协办 {unitName(id)}</Tag>
      ))}
    </div>
  );
}
