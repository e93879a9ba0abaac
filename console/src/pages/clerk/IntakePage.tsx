import { Card, Col, Row } from 'antd';
import { useState } from 'react';
import type { Case } from '../../api/types';
import { useMe } from '../../session';
import { CallerHistory } from './CallerHistory';
import { CreatedCase } from './CreatedCase';
import { IntakeForm } from './IntakeForm';

/** The clerk's main page: the intake form, with the caller's earlier cases alongside. */
export function IntakePage() {
  const me = useMe();
  const [created, setCreated] = useState<Case | null>(null);
  const [phone, setPhone] = useState<string | undefined>();
  return (
    <Row gutter={24}>
      <Col xs={24} xl={16}>
        {created ? (
          <Card>
            <CreatedCase created={created} onNext={() => setCreated(null)} />
          </Card>
        ) : (
          <IntakeForm onCreated={setCreated} onPhoneChange={setPhone} />
        )}
      </Col>
      <Col xs={24} xl={8}>
        {(me.role === 'clerk' || me.role === 'admin') && <CallerHistory phone={phone} />}
      </Col>
    </Row>
  );
}
