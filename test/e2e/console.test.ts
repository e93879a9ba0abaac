/**
 * The web console and the public board in a real browser (Debian's chromium driven by playwright-core), against
 * the real worker, API, Temporal and PostgreSQL. One case goes the whole way through the pages people use:
 * a clerk takes it, the community dispatcher dispatches it to 中国移动, the liaison accepts and resolves it,
 * the clerk records a satisfied callback; a supervisor sees an escalation's alert arrive live; the public board
 * finds the closed case by number and lists 中国移动's scorecard. Screenshots go to test/e2e/screenshots/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { demo } from '../../db/seeds/demo-city';
import { arrange } from '../support/arrange';
import { startTestStack, type TestStack } from '../support/stack';

const root = path.resolve(__dirname, '..', '..');
const shots = path.join(__dirname, 'screenshots');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(chromiumPath);
if (!haveChromium) {
  process.stderr.write(`[e2e] 跳过控制台端到端测试：未找到 Chromium（${chromiumPath}）。请安装 Debian 的 chromium 包，或设置 CHROMIUM_PATH。\n`);
}
const suite = haveChromium ? describe : describe.skip;

/** Generous: two cores run the browser, the API, the worker, Temporal and PostgreSQL together. */
const step = 180_000;
// Generous: under a full parallel test run on two cores one action can take tens of seconds.
const seen = { timeout: 60_000 };
const { users: u } = demo;

suite('web console and public board (headless Chromium)', () => {
  let stack: TestStack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  const cases = arrange(() => stack);
  let caseId = '';
  let caseNo = '';
  let clerk: Page;

  beforeAll(async () => {
    if (!existsSync(path.join(root, 'console', 'dist', 'index.html'))) {
      execFileSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'console/vite.config.ts'], {
        cwd: root,
        stdio: 'inherit',
        timeout: 300_000,
      });
    }
    mkdirSync(shots, { recursive: true });
    // Its own database: the queues and the board then hold this file's cases only.
    stack = await startTestStack({ ownDatabase: true });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 360_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    if (stack) {
      await cases.withdrawAll();
      await stack.stop();
    }
  }, 120_000);

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1440, height: 900 } });
    context.setDefaultTimeout(30_000);
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`));
    return page;
  }

  /** The login page, as a person uses it: paste the token, press 登录, land on the role's main page. */
  async function login(username: string, home: string): Promise<Page> {
    const page = await newPage();
    await page.goto(`${stack.baseUrl}/console/login`);
    await page.getByPlaceholder('粘贴管理员发给您的令牌').fill(await stack.tokenFor(username));
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`**${home}`);
    return page;
  }

  const row = (page: Page, text: string): Locator => page.locator('tr.ant-table-row', { hasText: text });

  /** An antd Select searchable by name: type, then click the option. */
  async function pick(page: Page, fieldId: string, typed: string, option: string): Promise<void> {
    const input = page.locator(`#${fieldId}`);
    await input.click();
    if (typed) await input.fill(typed);
    await page.locator('.ant-select-item-option', { hasText: option }).first().click();
    await page.locator('.ant-select-dropdown:visible').first().waitFor({ state: 'hidden' });
  }

  /** Opens an action's form from a button in `scope`, fills it with `fill`, confirms, and waits for the success message. */
  async function act(page: Page, scope: Locator, action: string, fill?: (modal: Locator) => Promise<void>): Promise<void> {
    await scope.getByRole('button', { name: action, exact: true }).click();
    const modal = page.locator('.ant-modal', { hasText: `${action} · ` });
    await modal.waitFor(seen);
    if (fill) await fill(modal);
    await modal.getByRole('button', { name: `确认${action}` }).click();
    // Success, or the error the page shows: a failure says what went wrong instead of timing out silently.
    const success = page.getByText(`${action}成功`).first();
    // A field the form refused (a click lost while the modal was still opening) counts as a failure too.
    const failure = page.locator('.ant-message-error, .ant-modal .ant-alert-error, .ant-modal .ant-form-item-explain-error').first();
    await success.or(failure).waitFor(seen);
    if (await failure.isVisible()) throw new Error(`${action}失败：${await failure.innerText()}`);
  }

  it(
    'a clerk logs in with a token and opens a case through the form',
    async () => {
      clerk = await login(u.clerk, '/console/intake');
      await clerk.getByText('市平台受理员').waitFor(seen);
      await clerk.locator('#reporterName').fill('郭凤');
      await clerk.locator('#reporterPhone').fill('13800005678');
      // The caller's earlier cases (none yet in this database).
      await clerk.getByText('该号码没有以往的诉求').waitFor(seen);
      await clerk.locator('#title').fill('和谐路通信线缆下垂');
      await clerk.locator('#description').fill('和谐路通信线缆下垂，最低处距地面约3米，货车难以通行。');
      // The category suggested from the words typed: one click picks it.
      await clerk.getByTestId('category-suggestions').getByText('通信线缆下垂').click();
      await pick(clerk, 'communityId', '小池', '小池社区（开元街道）');
      await clerk.locator('#address').fill('开元街道小池社区和谐路');
      await clerk.screenshot({ path: path.join(shots, '1-clerk-intake.png'), fullPage: true });
      await clerk.getByRole('button', { name: '提交受理' }).click();

      const heading = clerk.getByText(/已受理，案件编号 \d+/);
      await heading.waitFor(seen);
      caseNo = /案件编号 (\d+)/.exec(await heading.innerText())![1]!;
      const created = await stack.call('GET', `/api/v1/cases?q=${encodeURIComponent('和谐路通信线缆')}`, { as: u.clerk });
      caseId = created.body.items.find((c: { caseNo: string }) => c.caseNo === caseNo).id;
      await clerk.getByText('待分派').first().waitFor(seen);
    },
    step,
  );

  it(
    'the community dispatcher sees it in the triage queue with the proposed units and dispatches it to 中国移动',
    async () => {
      const dispatcher = await login(u.dispatcherCommunity, '/console/triage');
      const queued = row(dispatcher, caseNo);
      await queued.waitFor(seen);
      await queued.getByText('牵头 中国移动林州分公司').waitFor(seen);
      await queued.getByText(/剩余|已超时/).first().waitFor(seen);
      await dispatcher.screenshot({ path: path.join(shots, '2-dispatcher-triage.png'), fullPage: true });
      await act(dispatcher, queued, '派单', async (modal) => {
        // The proposal fills the lead unit; the dispatcher confirms it.
        await modal.getByText('中国移动林州分公司').first().waitFor(seen);
      });
      await queued.waitFor({ state: 'detached', timeout: 30_000 });
      const after = await stack.call('GET', `/api/v1/cases/${caseId}`, { as: u.supervisorCity });
      expect(after.body).toMatchObject({ status: 'dispatched', assignments: expect.arrayContaining([expect.objectContaining({ unitId: demo.units.mobile, role: 'lead' })]) });
    },
    step,
  );

  let liaison: Page;

  it(
    'the 移动 liaison accepts it from the unit queue and asks for an extension',
    async () => {
      liaison = await login(u.liaisonMobile, '/console/unit-cases');
      const mine = row(liaison, caseNo);
      await mine.getByText('牵头单位 · 待签收').waitFor(seen);
      await act(liaison, mine, '签收');
      await mine.getByText('牵头单位 · 已签收').waitFor(seen);
      await act(liaison, mine, '申请延期', async (modal) => {
        await pick(liaison, 'duration', '', '3 天（P3D）');
        await modal.locator('#reason').fill('需等待线缆杆件到货后施工。');
      });
      await liaison.screenshot({ path: path.join(shots, '3-liaison-unit-cases.png'), fullPage: true });
    },
    step,
  );

  it(
    'a supervisor sees the request among the alerts and approves it on the approvals page',
    async () => {
      const supervisor = await login(u.supervisorStreet, '/console/alerts');
      await row(supervisor, caseId).getByText('延期申请').first().waitFor(seen);
      await supervisor.getByRole('link', { name: '延期与复杂件审批' }).click();
      const waiting = row(supervisor, caseNo);
      await waiting.getByText('需等待线缆杆件到货后施工。').waitFor(seen);
      await act(supervisor, waiting, '审批延期', async (modal) => {
        // check() retries until the radio is checked: a click during the modal's opening animation can be lost.
        await modal.getByRole('radio', { name: '同意', exact: true }).check();
      });
      await supervisor.getByText('没有待审批的延期申请').waitFor(seen);
      const after = await stack.call('GET', `/api/v1/cases/${caseId}`, { as: u.supervisorCity });
      expect(after.body.extension).toMatchObject({ state: 'approved' });
    },
    step,
  );

  it(
    'the liaison resolves it',
    async () => {
      await liaison.reload();
      const mine = row(liaison, caseNo);
      await act(liaison, mine, '办结', async (modal) => {
        await modal.locator('#summary').fill('已协调移动公司将线缆抬升至安全高度并加固。');
      });
      await mine.getByText('已办结待回访').waitFor(seen);
    },
    step,
  );

  it(
    'the clerk records a satisfied callback and the case page shows 已结案 with its timeline',
    async () => {
      await clerk.getByRole('link', { name: '待回访' }).click();
      const waiting = row(clerk, caseNo);
      await act(clerk, waiting, '回访', async (modal) => {
        await modal.getByText('满意', { exact: true }).click();
        await modal.locator('#comment').fill('诉求人表示线缆已抬高，满意。');
      });
      await clerk.goto(`${stack.baseUrl}/console/cases/${caseId}`);
      await clerk.getByText('已结案').first().waitFor(seen);
      for (const label of ['受理登记', '派单', '单位签收', '办结', '回访']) await clerk.getByText(label, { exact: true }).first().waitFor(seen);
      await clerk.getByText('中国移动林州分公司').first().waitFor(seen);
      await clerk.screenshot({ path: path.join(shots, '4-case-page-closed.png'), fullPage: true });
    },
    step,
  );

  it(
    "the supervisor's alert page shows an escalation's alert live, without reloading",
    async () => {
      const supervisor = await login(u.supervisorStreet, '/console/alerts');
      await supervisor.getByText('实时接收中').waitFor(seen);
      const second = await cases.open({ title: '瓦窑路口路面塌陷待协调', category: demo.categories.roadDamage });
      // The community dispatcher blows the whistle (吹哨) on it through the console.
      const dispatcher = await login(u.dispatcherCommunity, '/console/triage');
      const queued = row(dispatcher, second.caseNo);
      await act(dispatcher, queued, '吹哨升级', async (modal) => {
        await modal.locator('#reason').fill('涉及住建、城管多家单位，社区无法协调，请街道吹哨。');
      });
      const alert = row(supervisor, second.id);
      await alert.waitFor({ timeout: 60_000 });
      await alert.getByText('升级', { exact: true }).waitFor(seen);
      await alert.getByText('新', { exact: true }).waitFor(seen);
      await supervisor.screenshot({ path: path.join(shots, '5-supervisor-alerts.png'), fullPage: true });

      // The KPI table of the same supervisor: by street, then by unit (中国移动 led the first case).
      await supervisor.getByRole('link', { name: '考核指标' }).click();
      await row(supervisor, '开元街道').waitFor(seen);
      await supervisor.getByText('按责任单位').click();
      await row(supervisor, '中国移动林州分公司').getByText('100.0%').first().waitFor(seen);
      await supervisor.screenshot({ path: path.join(shots, '9-supervisor-kpis.png'), fullPage: true });
    },
    step,
  );

  it(
    'the public board, without login, finds the closed case by number and lists 中国移动 on the scorecards',
    async () => {
      const visitor = await newPage();
      await visitor.goto(`${stack.baseUrl}/public`);
      await visitor.getByText('按街道（乡镇）').waitFor(seen);
      await row(visitor, '开元街道').waitFor(seen);
      await visitor.screenshot({ path: path.join(shots, '6-public-overview.png'), fullPage: true });

      await visitor.getByRole('link', { name: '进度查询' }).click();
      await visitor.getByPlaceholder('输入案件编号').fill(caseNo);
      await visitor.getByRole('button', { name: '查询' }).click();
      await visitor.getByText(`案件 ${caseNo}`).waitFor(seen);
      await visitor.getByText('已结案').first().waitFor(seen);
      await visitor.screenshot({ path: path.join(shots, '7-public-lookup.png'), fullPage: true });

      await visitor.getByPlaceholder('输入案件编号').fill('99999999999');
      await visitor.getByRole('button', { name: '查询' }).click();
      await visitor.getByText('未找到该案件编号').waitFor(seen);

      await visitor.getByRole('link', { name: '单位评分' }).click();
      await row(visitor, '中国移动').waitFor(seen);
      await visitor.screenshot({ path: path.join(shots, '8-public-scorecards.png'), fullPage: true });
    },
    step,
  );

  it('no page threw a script error', () => {
    expect(pageErrors).toEqual([]);
  });
});
