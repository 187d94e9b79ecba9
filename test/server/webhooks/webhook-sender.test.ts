import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ReceivedWebhook, WebhookReceiver } from '../../fakes/webhook-receiver.js';
import { createTestApp, errorCode, type TestApp } from '../../helpers/test-app.js';

const HANDOFF_TYPES = ['HUMAN_REQUESTED', 'HUMAN_JOINED', 'MESSAGE', 'HANDED_BACK', 'RESOLVED'];

interface Registered {
  registerWebhookEndpoint: { endpoint: { id: string }; secret: string };
}

describe('webhooks: a durable outbox, signed by Standard Webhooks, against a real receiver', () => {
  let t: TestApp;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        WEBHOOK_RETRY_SCHEDULE_MS: '0,40,80,160,320,640,1280,2560',
        WEBHOOK_POLL_MS: '40',
        WEBHOOK_MAX_CONSECUTIVE_FAILURES: '1000',
        // The receivers listen on loopback, which only an allow-list opens.
        WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      },
    });
  }, 60_000);
  afterEach(async () => {
    for (const r of receivers.splice(0)) await r.close();
    for (const e of await t.app.services.webhooks.endpoints.list())
      await t.app.services.webhooks.endpoints.remove(e.id);
  });
  afterAll(() => t.close());

  const receiver = async () => {
    const r = new WebhookReceiver();
    receivers.push(r);
    return { r, port: await r.listen() };
  };

  const register = async (port: number, eventTypes = HANDOFF_TYPES) => {
    const res = await t.gql<Registered>(
      'mutation($url: String!, $types: [EventType!]) { registerWebhookEndpoint(input: { url: $url, eventTypes: $types }) { endpoint { id } secret } }',
      { url: `http://127.0.0.1:${port}/hooks`, types: eventTypes },
    );
    expect(res.errors).toBeUndefined();
    return res.data!.registerWebhookEndpoint;
  };

  /** A hand-off with `messages` replies: HUMAN_REQUESTED, HUMAN_JOINED, then one MESSAGE each. */
  const handOff = async (messages: number) => {
    const started = await t.gql<{ startConversation: { conversation: { id: string } } }>(
      'mutation { startConversation { conversation { id } } }',
    );
    const id = started.data!.startConversation.conversation.id;
    await t.gql('mutation($id: ID!) { requestHuman(conversationId: $id, reason: "Double charge") { state } }', { id });
    await t.gql('mutation($id: ID!) { claimConversation(conversationId: $id, as: "Dana") { state } }', { id });
    for (let i = 1; i <= messages; i++)
      await t.gql(
        'mutation($id: ID!, $text: String!) { sendHumanMessage(conversationId: $id, text: $text, as: "Dana") { id } }',
        {
          id,
          text: `Reply ${i}`,
        },
      );
    return id;
  };

  const storedEvents = async (conversationId: string) =>
    (await t.app.services.eventStore.list({ conversationId })).filter((e) => HANDOFF_TYPES.includes(e.type));

  const eventually = async (check: () => boolean | Promise<boolean>, timeoutMs = 15_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  const inOrder = (received: ReceivedWebhook[], conversationId: string) =>
    received.filter((r) => r.conversationId === conversationId).map((r) => r.eventId);

  it('delivers every event exactly once after deduplication by webhook-id, when acknowledgements get lost', async () => {
    const { r, port } = await receiver();
    const { secret } = await register(port);
    r.secrets = [secret];
    // Every third request is processed but answered 500: the sender retries, the receiver sees it twice.
    r.answer = (_req, n) => ({ status: n % 3 === 2 ? 500 : 200 });
    const a = await handOff(3);
    const b = await handOff(2);
    const expected = [...(await storedEvents(a)), ...(await storedEvents(b))];
    await eventually(() => r.unique.length >= expected.length);
    await new Promise((res) => setTimeout(res, 300));
    expect(r.rejected).toEqual([]);
    expect(r.requests.length).toBeGreaterThan(r.unique.length);
    expect(r.unique.map((x) => x.eventId).sort((x, y) => x - y)).toEqual(expected.map((e) => e.id));
    expect(r.unique.find((x) => x.type === 'HUMAN_REQUESTED')?.data).toMatchObject({
      by: 'anonymous (AUTH_MODE=off)',
      reason: 'Double charge',
    });
    expect(r.unique.filter((x) => x.type === 'MESSAGE').map((x) => x.data.author)).toEqual([
      'Dana',
      'Dana',
      'Dana',
      'Dana',
      'Dana',
    ]);
    // Each conversation's events arrived in their order.
    for (const id of [a, b]) {
      const ids = inOrder(r.requests, id);
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
    }
  });

  it('a receiver that is down for a while then gets everything, in order per conversation', async () => {
    const probe = new WebhookReceiver();
    const port = await probe.listen();
    await probe.close(); // nothing listens there now: connections are refused
    const { secret, endpoint } = await register(port);
    const a = await handOff(3);
    const b = await handOff(3);
    // Failed attempts are logged with their error and retried on the (compressed) schedule.
    await eventually(async () => {
      const log = await t.app.services.webhooks.endpoints.deliveries(endpoint.id);
      return log.some((d) => d.attempts >= 2 && d.lastError !== null);
    });
    const r = new WebhookReceiver();
    receivers.push(r);
    r.secrets = [secret];
    await r.listen(port);
    const expected = [...(await storedEvents(a)), ...(await storedEvents(b))];
    await eventually(() => r.unique.length >= expected.length);
    for (const id of [a, b]) expect(inOrder(r.requests, id)).toEqual((await storedEvents(id)).map((e) => e.id));
    const log = await t.gql<{ webhookEndpoint: { consecutiveFailures: number; deliveries: { status: string }[] } }>(
      'query($id: ID!) { webhookEndpoint(id: $id) { consecutiveFailures deliveries { status } } }',
      { id: endpoint.id },
    );
    expect(log.data!.webhookEndpoint.consecutiveFailures).toBe(0);
    expect(new Set(log.data!.webhookEndpoint.deliveries.map((d) => d.status))).toEqual(new Set(['DELIVERED']));
  });

  it('honours Retry-After', async () => {
    const { r, port } = await receiver();
    const { secret } = await register(port, ['HUMAN_REQUESTED']);
    r.secrets = [secret];
    r.answer = (_req, n) => (n === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 });
    await handOff(0);
    await eventually(() => r.requests.length >= 2);
    expect(r.requests[1]!.at - r.requests[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('410 Gone disables the endpoint: nothing more is sent to it', async () => {
    const { r, port } = await receiver();
    const { secret, endpoint } = await register(port);
    r.secrets = [secret];
    r.answer = () => ({ status: 410 });
    await handOff(2);
    await eventually(async () => !(await t.app.services.webhooks.endpoints.get(endpoint.id)).enabled);
    const disabled = await t.app.services.webhooks.endpoints.get(endpoint.id);
    expect(disabled.disabledReason).toMatch(/410/);
    const seen = r.requests.length;
    expect(seen).toBe(1);
    await handOff(1);
    await new Promise((res) => setTimeout(res, 400));
    expect(r.requests.length).toBe(seen);
  });

  it('after a secret rotation, deliveries carry both signatures for the window, then only the new one', async () => {
    const { r, port } = await receiver();
    const { secret: oldSecret, endpoint } = await register(port, ['HUMAN_REQUESTED']);
    const rotated = await t.gql<{ rotateWebhookSecret: { secret: string } }>(
      'mutation($id: ID!) { rotateWebhookSecret(id: $id, graceSeconds: 2) { secret } }',
      { id: endpoint.id },
    );
    const newSecret = rotated.data!.rotateWebhookSecret.secret;
    expect(newSecret).not.toBe(oldSecret);
    r.secrets = [oldSecret, newSecret];
    await handOff(0);
    await eventually(() => r.requests.length >= 1);
    expect(r.requests[0]!.verifiedWith).toEqual([oldSecret, newSecret]);
    await new Promise((res) => setTimeout(res, 2_100));
    await handOff(0);
    await eventually(() => r.requests.length >= 2);
    expect(r.requests[1]!.verifiedWith).toEqual([newSecret]);
  });

  it('"send again" resends the same message with the same webhook-id', async () => {
    const { r, port } = await receiver();
    const { secret, endpoint } = await register(port, ['HUMAN_REQUESTED']);
    r.secrets = [secret];
    await handOff(0);
    await eventually(() => r.requests.length >= 1);
    const [delivery] = await t.app.services.webhooks.endpoints.deliveries(endpoint.id);
    await eventually(
      async () => (await t.app.services.webhooks.endpoints.deliveries(endpoint.id))[0]!.status === 'DELIVERED',
    );
    const again = await t.gql<{ resendWebhookDelivery: { status: string } }>(
      'mutation($id: ID!) { resendWebhookDelivery(id: $id) { status } }',
      { id: delivery!.id },
    );
    expect(again.data!.resendWebhookDelivery.status).toBe('PENDING');
    await eventually(() => r.requests.length >= 2);
    expect(r.requests[1]!.id).toBe(r.requests[0]!.id);
  });

  it('redacts payloads as the integrator feed does, unless the endpoint is granted full data', async () => {
    const [plain, full] = [await receiver(), await receiver()];
    plain.r.secrets = [(await register(plain.port, ['MESSAGE'])).secret];
    const granted = await t.gql<Registered>(
      'mutation($url: String!) { registerWebhookEndpoint(input: { url: $url, eventTypes: [MESSAGE], fullEventData: true }) { endpoint { id } secret } }',
      { url: `http://127.0.0.1:${full.port}/hooks` },
    );
    full.r.secrets = [granted.data!.registerWebhookEndpoint.secret];
    const id = await handOff(0);
    const text = 'Your refund went to jane.doe@example.com; call 555-201-4477 if it has not arrived.';
    await t.gql(
      'mutation($id: ID!, $text: String!) { sendHumanMessage(conversationId: $id, text: $text, as: "Dana") { id } }',
      { id, text },
    );
    await eventually(() => plain.r.unique.length >= 1 && full.r.unique.length >= 1);
    expect(plain.r.rejected).toEqual([]);
    expect(plain.r.unique[0]!.data).toEqual({
      role: 'human',
      author: 'Dana',
      text: 'Your refund went to [email]; call [phone] if it has not arrived.',
    });
    expect(full.r.unique[0]!.data).toEqual({ role: 'human', author: 'Dana', text });
    // The delivery log shows what was sent.
    const log = await t.app.services.webhooks.endpoints.deliveries(granted.data!.registerWebhookEndpoint.endpoint.id);
    expect(JSON.stringify(log[0]!.payload)).toContain('jane.doe@example.com');
  });

  it('refuses link-local, metadata and private URLs unless allowed, and event types webhooks do not carry', async () => {
    const reg = (url: string, types?: string[]) =>
      t.gql(
        'mutation($url: String!, $types: [EventType!]) { registerWebhookEndpoint(input: { url: $url, eventTypes: $types }) { secret } }',
        {
          url,
          types,
        },
      );
    for (const url of [
      'http://169.254.169.254/latest/meta-data',
      'http://[fe80::1]/hook',
      'http://metadata.google.internal/x',
      'ftp://example.com/x',
      // 127.0.0.1 is allowed here; another private address is not.
      'http://10.0.0.5/hook',
      'http://[::1]:9/hook',
    ]) {
      const res = await reg(url);
      expect(errorCode(res), url).toBe('VALIDATION_FAILED');
      expect(res.errors![0]!.extensions!.field).toBe('input.url');
    }
    const suggestion = await reg('http://127.0.0.1:9/hook', ['SUGGESTION']);
    expect(errorCode(suggestion)).toBe('VALIDATION_FAILED');
    expect(suggestion.errors![0]!.extensions!.field).toBe('input.eventTypes.0');
  });
});

describe('webhooks: the allow-list', () => {
  it('is needed for this machine and private networks: without it they are refused, naming the setting', async () => {
    const t = await createTestApp();
    try {
      for (const url of ['http://127.0.0.1:9/hook', 'http://localhost:9/hook', 'http://192.168.1.20/hook']) {
        const res = await t.gql(
          'mutation($url: String!) { registerWebhookEndpoint(input: { url: $url }) { secret } }',
          { url },
        );
        expect(errorCode(res), url).toBe('VALIDATION_FAILED');
        expect(res.errors![0]!.message, url).toMatch(/WEBHOOK_ALLOWED_HOSTS/);
      }
      expect(await t.app.services.webhooks.endpoints.list()).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('takes CIDR blocks: registers and delivers inside them, refuses outside and metadata inside a private block', async () => {
    const t = await createTestApp({
      env: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.0/8, fd00::/8', WEBHOOK_POLL_MS: '40' },
    });
    const r = new WebhookReceiver();
    try {
      const port = await r.listen();
      const register = (url: string) =>
        t.gql(
          'mutation($url: String!) { registerWebhookEndpoint(input: { url: $url, eventTypes: [MESSAGE] }) { secret } }',
          { url },
        );
      for (const url of ['http://192.168.1.20/hook', 'http://[fd00:ec2::254]/hook', 'http://169.254.169.254/hook']) {
        const res = await register(url);
        expect(errorCode(res), url).toBe('VALIDATION_FAILED');
        expect(res.errors![0]!.message, url).toMatch(/WEBHOOK_ALLOWED_HOSTS/);
      }
      const res = await register(`http://127.0.0.1:${port}/hooks`);
      expect(res.errors).toBeUndefined();
      r.secrets = [(res.data as unknown as Registered).registerWebhookEndpoint.secret];
      const { conversation } = await t.app.services.conversations.start({});
      await t.app.services.conversations.sendMessage(conversation.id, 'through the block');
      const deadline = Date.now() + 10_000;
      while (!r.requests.length && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
      expect(r.requests.map((w) => [w.type, w.data.text])).toEqual([['MESSAGE', 'through the block']]);
    } finally {
      await r.close();
      await t.close();
    }
  });

  it('accepts a metadata address that WEBHOOK_ALLOWED_HOSTS lists', async () => {
    const t = await createTestApp({ env: { WEBHOOK_ALLOWED_HOSTS: '169.254.169.254' } });
    try {
      const res = await t.gql<Registered>(
        'mutation { registerWebhookEndpoint(input: { url: "http://169.254.169.254/hook" }) { endpoint { id } secret } }',
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!.registerWebhookEndpoint.secret).toMatch(/^whsec_/);
      // Its delivery log is empty, and the endpoint receives every type webhooks carry.
      await t.app.services.webhooks.endpoints.update(res.data!.registerWebhookEndpoint.endpoint.id, { enabled: false });
    } finally {
      await t.close();
    }
  });
});
