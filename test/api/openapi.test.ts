import { startTestStack, TestStack } from '../support/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('the API describes itself from the same schemas that validate it', () => {
  it('serves an OpenAPI 3 document with every case command and the reference reads', async () => {
    const res = await stack.call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const paths = Object.keys(res.body.paths);
    for (const p of [
      '/api/v1/cases',
      '/api/v1/cases/{id}',
      '/api/v1/cases/{id}/dispatch',
      '/api/v1/cases/{id}/accept',
      '/api/v1/cases/{id}/reject',
      '/api/v1/cases/{id}/resolve',
      '/api/v1/cases/{id}/callback',
      '/api/v1/cases/{id}/handle-directly',
      '/api/v1/jurisdictions',
      '/api/v1/units',
      '/api/v1/categories',
      '/api/v1/users',
    ]) {
      expect(paths).toContain(p);
    }
    const intake = res.body.paths['/api/v1/cases'].post;
    expect(Object.keys(intake.responses)).toEqual(expect.arrayContaining(['201', '200', '400', '401', '403', '503']));
    expect(res.body.components.schemas.OpenCaseRequest.additionalProperties).toBe(false);
  });

  it('serves interactive docs at /docs', async () => {
    const res = await fetch(`${stack.baseUrl}/docs/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('swagger');
  });

  it('when a path is unknown, then 404 in the error format', async () => {
    const res = await stack.call('GET', '/api/v1/nothing-here', { as: 'admin' });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});

describe('reference data and users bootstrap from the admin token', () => {
  it('lists jurisdictions, units and categories with the responsibility list', async () => {
    const [j, units, categories] = await Promise.all(
      ['/api/v1/jurisdictions', '/api/v1/units', '/api/v1/categories'].map((p) => stack.call('GET', p, { as: 'clerk' })),
    );
    expect(j!.body.items.find((x: { name: string }) => x.name === '岩峪村')).toMatchObject({ level: 'community' });
    expect(units!.body.items.map((x: { shortName: string }) => x.shortName)).toEqual(expect.arrayContaining(['移动', '电信', '联通', '供电', '城管']));
    const cable = categories!.body.items.find((c: { id: string }) => c.id === 'cable-sagging');
    expect(cable.responsibilities.filter((r: { role: string }) => r.role === 'lead').map((r: { unitId: string }) => r.unitId)).toEqual(['unit-mobile']);
  });

  it('proposes units for a category at a place (智能派单)', async () => {
    const res = await stack.call('GET', '/api/v1/categories/cable-sagging/proposal?communityId=410581101201', { as: 'dispatcher-donggang' });
    expect(res.status).toBe(200);
    expect(res.body.leadUnitId).toBe('unit-mobile');
    expect(res.body.cooperatingUnitIds).toHaveLength(3);
  });

  it('when the admin creates a user, then the token works once shown; a non-admin gets 403; bad fields get 400', async () => {
    const username = `clerk-${Date.now()}`;
    const created = await stack.call('POST', '/api/v1/users', {
      as: 'admin',
      body: { username, displayName: '新受理员', role: 'clerk', jurisdictionId: '410581' },
    });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ username, role: 'clerk' });
    const asNew = await stack.call('GET', '/api/v1/units', { token: created.body.token });
    expect(asNew.status).toBe(200);
    const again = await stack.call('POST', '/api/v1/users', { as: 'admin', body: { username, displayName: 'x', role: 'clerk', jurisdictionId: '410581' } });
    expect(again.status).toBe(409);
    const notAdmin = await stack.call('POST', '/api/v1/users', { as: 'clerk', body: { username: 'zz', displayName: 'x', role: 'clerk' } });
    expect(notAdmin.status).toBe(403);
    const bad = await stack.call('POST', '/api/v1/users', { as: 'admin', body: { username: 'a b', displayName: '', role: 'mayor' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['displayName', 'role', 'username']);
    const noUnit = await stack.call('POST', '/api/v1/users', { as: 'admin', body: { username: `l-${Date.now()}`, displayName: '联络员', role: 'liaison', unitId: 'unit-ghost' } });
    expect(noUnit.status).toBe(400);
  });
});
