// check.mjs drives Wix's own JavaScript SDK (@wix/sdk with AppStrategy and
// the activations and Automations v2 modules, versions pinned in
// package.json) against the simulator, and exits non-zero with a message
// when the simulator refuses a request the SDK makes, the SDK cannot read an
// answer, or an answer lacks what the SDK's types promise.
//
// Environment: WIXSIM_URL (http://127.0.0.1:PORT), WIX_APP_ID,
// WIX_APP_SECRET, WIX_INSTANCE_ID, WIX_TRIGGER_KEY (owned by the app).
import { AppStrategy, createClient } from '@wix/sdk';
import * as activations from '@wix/auto_sdk_automations_activations';
import * as automations from '@wix/auto_sdk_automations_automations-service-v-2';

const WIX = 'https://www.wixapis.com';
const env = (name) => {
  const v = process.env[name];
  if (!v) fail(`${name} is not set; run this through TestJSSDKAgainstSimulator`);
  return v;
};
const base = env('WIXSIM_URL');
const appId = env('WIX_APP_ID');
const triggerKey = env('WIX_TRIGGER_KEY');

// The SDK hard-codes https://www.wixapis.com in every module and in
// AppStrategy's token call, and offers no option to change the host. It
// calls the global fetch, so swapping fetch is the one seam that sends its
// requests, byte for byte otherwise unchanged, to the simulator. Any other
// host is refused so that nothing leaves the machine.
const sent = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (!url.startsWith(WIX + '/')) throw new Error(`the SDK called an unexpected host: ${url}`);
  const target = base + url.slice(WIX.length);
  sent.push(`${init?.method ?? input.method ?? 'GET'} ${url.slice(WIX.length)}`);
  return input instanceof Request ? realFetch(new Request(target, input), init) : realFetch(target, init);
};

function fail(msg) {
  console.error(`sdkcheck: FAIL: ${msg}`);
  process.exit(1);
}

function check(cond, what, value) {
  if (!cond) throw new Error(`${what}; got ${JSON.stringify(value)}`);
}

// describe renders an SDK error with everything it kept of the answer.
function describe(err) {
  const parts = [String(err?.message ?? err)];
  if (err?.details) parts.push(`details=${JSON.stringify(err.details)}`);
  if (err?.requestId) parts.push(`requestId=${err.requestId}`);
  return parts.join(' ');
}

async function step(name, fn) {
  try {
    const out = await fn();
    console.log(`ok   ${name}`);
    return out;
  } catch (err) {
    fail(`${name}: ${describe(err)}\nrequests so far:\n  ${sent.join('\n  ')}`);
  }
}

// rejects runs fn, which must fail with an SDK error; it returns the error.
async function rejects(fn) {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('the call succeeded, but the simulator should have refused it');
}

const guid = () => crypto.randomUUID();
const isGUID = (s) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

const client = createClient({
  auth: AppStrategy({ appId, appSecret: env('WIX_APP_SECRET'), instanceId: env('WIX_INSTANCE_ID') }),
  modules: { activations, automations },
});

function newAutomation(name, status = 'ACTIVE') {
  const root = guid();
  const delay = guid();
  return {
    name,
    description: 'created by the SDK fidelity check',
    origin: 'APPLICATION',
    applicationInfo: { appId },
    configuration: {
      status,
      trigger: { appId, triggerKey },
      rootActionIds: [root],
      actions: {
        [root]: {
          appDefinedInfo: { appId, actionKey: 'send_email', inputMapping: { to: '{{contact.email}}' }, postActionIds: [delay] },
        },
        [delay]: { delayInfo: { offsetExpression: '1', offsetTimeUnit: 'HOURS' } },
      },
    },
  };
}

// checkAutomation asserts the non-nullable fields of the SDK's types.
function checkAutomation(a, want) {
  check(isGUID(a?._id), '_id must be a GUID', a?._id);
  check(a.revision === want.revision, `revision must be the string "${want.revision}"`, a.revision);
  check(a.name === want.name, 'name round-trips', a.name);
  check(a.origin === 'APPLICATION', 'origin round-trips', a.origin);
  check(typeof a._createdDate === 'string' && !Number.isNaN(Date.parse(a._createdDate)), '_createdDate is a date string', a._createdDate);
  check(typeof a._updatedDate === 'string', '_updatedDate is a string', a._updatedDate);
  const c = a.configuration;
  check(c?.status === want.status, `status must be ${want.status}`, c?.status);
  check(c.trigger?.appId === appId && c.trigger.triggerKey === triggerKey, 'trigger round-trips', c.trigger);
  check(Array.isArray(c.trigger.filters), 'trigger.filters is an array', c.trigger.filters);
  check(Array.isArray(c.rootActionIds) && c.rootActionIds.length === 1, 'rootActionIds has the root', c.rootActionIds);
  for (const [key, action] of Object.entries(c.actions)) {
    check(action._id === key, 'each action carries its key as _id', action);
  }
  for (const flag of ['hidden', 'readonly', 'disableDelete', 'disableStatusChange']) {
    check(typeof a.settings?.[flag] === 'boolean', `settings.${flag} is a boolean`, a.settings);
  }
}

async function automationsFlow() {
  const spec = newAutomation('sdkcheck main');
  const created = await step('createAutomation', async () => {
    const a = await client.automations.createAutomation(spec);
    checkAutomation(a, { revision: '1', name: spec.name, status: 'ACTIVE' });
    return a;
  });
  const got = await step('getAutomation', async () => {
    const a = await client.automations.getAutomation(created._id);
    checkAutomation(a, { revision: '1', name: spec.name, status: 'ACTIVE' });
    return a;
  });
  await step('updateAutomation (deactivate)', async () => {
    const a = await client.automations.updateAutomation(got._id, {
      revision: got.revision,
      configuration: { ...got.configuration, status: 'INACTIVE' },
    });
    checkAutomation(a, { revision: '2', name: spec.name, status: 'INACTIVE' });
  });
  await step('override schemas only with fields: [OVERRIDE_SCHEMA]', async () => {
    const withSchema = newAutomation('sdkcheck override schema');
    withSchema.configuration.trigger.overrideSchema = { type: 'object', title: 'trigger' };
    const made = await client.automations.createAutomation(withSchema, { fields: ['OVERRIDE_SCHEMA'] });
    check(made.configuration.trigger.overrideSchema?.title === 'trigger', 'create with fields answers the trigger override schema', made.configuration.trigger);
    const plain = await client.automations.getAutomation(made._id);
    check(plain.configuration.trigger.overrideSchema === undefined, 'get without fields leaves it out', plain.configuration.trigger);
    const asked = await client.automations.getAutomation(made._id, { fields: ['OVERRIDE_SCHEMA'] });
    check(asked.configuration.trigger.overrideSchema?.title === 'trigger', 'get with fields answers it', asked.configuration.trigger);
    await client.automations.deleteAutomation(made._id);
  });
  await step('a second root action is refused', async () => {
    const two = newAutomation('sdkcheck two roots');
    two.configuration.rootActionIds = Object.keys(two.configuration.actions);
    const err = await rejects(() => client.automations.createAutomation(two));
    check(err?.details?.validationError?.fieldViolations?.some((v) => v.field.endsWith('rootActionIds')), 'the SDK reads the violation', err?.details);
  });
  await step('updateAutomation with a stale revision is refused', async () => {
    const err = await rejects(() => client.automations.updateAutomation(got._id, { revision: '1', name: 'stale' }));
    check(err?.details?.applicationError?.code === 'REVISION_MISMATCH', 'the SDK reads applicationError.code', err?.details);
  });
  return created._id;
}

async function queryFlow(firstID) {
  const ids = [firstID];
  await step('createAutomation x4 (for paging)', async () => {
    for (let i = 0; i < 4; i++) ids.push((await client.automations.createAutomation(newAutomation(`sdkcheck page ${i}`)))._id);
  });
  await step('queryAutomations limit(2) through every page', async () => {
    let page = await client.automations.queryAutomations().eq('configuration.trigger.triggerKey', triggerKey).limit(2).find();
    const seen = [];
    let pages = 1;
    for (;;) {
      check(page.items.length <= 2, 'a page holds at most the limit', page.items.length);
      page.items.forEach((a) => seen.push(a._id));
      if (!page.hasNext()) break;
      page = await page.next();
      pages++;
    }
    check(pages === 3 && seen.length === 5 && new Set(seen).size === 5, 'three pages, five distinct automations', { pages, seen });
    check(ids.every((id) => seen.includes(id)), 'every created automation is listed', { ids, seen });
  });
  await step('queryAutomations with two conditions', async () => {
    const page = await client.automations.queryAutomations()
      .eq('configuration.status', 'INACTIVE').eq('configuration.trigger.appId', appId).find();
    check(page.items.length === 1 && page.items[0]._id === firstID && !page.hasNext(), 'only the deactivated one', page.items);
  });
  await step('queryAutomations sorted', async () => {
    const page = await client.automations.queryAutomations().descending('name').limit(2).find();
    check(page.items.map((a) => a.name).join('|') === 'sdkcheck page 3|sdkcheck page 2', 'names in descending order', page.items.map((a) => a.name));
  });
  return ids;
}

async function deleteFlow(ids) {
  await step('deleteAutomation', async () => {
    const out = await client.automations.deleteAutomation(ids[0]);
    check(out === undefined || Object.keys(out).length === 0, 'delete answers nothing', out);
  });
  await step('getAutomation after delete is 404', async () => {
    const err = await rejects(() => client.automations.getAutomation(ids[0]));
    check(err?.details?.applicationError, 'the SDK reads a Wix error', err?.details);
  });
  await step('bulkDeleteAutomations', async () => {
    const out = await client.automations.bulkDeleteAutomations(ids.slice(1));
    check(out.results?.length === 4 && out.results.every((r) => r.itemMetadata?.success === true), 'every item deleted', out);
    check(out.bulkActionMetadata?.totalSuccesses === 4, 'bulkActionMetadata counts', out.bulkActionMetadata);
  });
}

async function eventsFlow() {
  const [e0, e1, e2, e3] = [guid(), guid(), guid(), guid()];
  await step('reportEvent with no active automation starts nothing', async () => {
    const out = await client.activations.reportEvent(triggerKey, { externalEntityId: e0 });
    check((out.activationIds ?? []).length === 0, 'no activationIds', out);
    await client.activations.cancelEvent(triggerKey, e0);
  });
  const listener = await step('createAutomation (ACTIVE, so that reports start it)', async () =>
    (await client.automations.createAutomation(newAutomation('sdkcheck listener')))._id);
  const options = {
    payload: { order_id: 'A-17', amount: 42, vip: true, items: [{ sku: 'X1', qty: 2 }] },
    externalEntityId: e1,
    idempotency: { key: `sdkcheck-${e1}`, ttlInMilliseconds: '86400000' },
  };
  await step('reportEvent twice with one idempotency key', async () => {
    const first = await client.activations.reportEvent(triggerKey, options);
    const again = await client.activations.reportEvent(triggerKey, options);
    check(Array.isArray(first.activationIds) && first.activationIds.length > 0, 'activationIds is a non-empty array', first);
    check(JSON.stringify(first.activationIds) === JSON.stringify(again.activationIds), 'a repeat answers the same activationIds', { first, again });
  });
  await step('reportEvent with a numeric ttl', async () => {
    const out = await client.activations.reportEvent(triggerKey, { externalEntityId: e1, idempotency: { key: `n-${e1}`, ttlInMilliseconds: 60000 } });
    check(out.activationIds?.length > 0, 'activationIds', out);
  });
  await step('reportEvent with a bad payload key is refused', async () => {
    const err = await rejects(() => client.activations.reportEvent(triggerKey, { payload: { _hidden: 1 } }));
    check(err?.details?.validationError?.fieldViolations?.length > 0, 'the SDK reads fieldViolations', err?.details);
  });
  await step('bulkReportEvent', async () => {
    const out = await client.activations.bulkReportEvent(triggerKey, [
      { externalEntityId: e2, payload: { n: 1 } },
      { externalEntityId: e3, idempotency: { key: `sdkcheck-${e3}` } },
    ]);
    check(out.triggerKey === triggerKey && out.results?.length === 2, 'one result per event', out);
    out.results.forEach((r, i) => {
      check(r.itemMetadata?.success === true && r.itemMetadata.originalIndex === i, 'item succeeded in order', r);
      check(Array.isArray(r.activationIds) && r.activationIds.length > 0, 'item activationIds', r);
    });
  });
  await step('cancelEvent', async () => {
    const out = await client.activations.cancelEvent(triggerKey, e1);
    check(out === undefined || Object.keys(out).length === 0, 'cancel answers nothing', out);
  });
  await step('bulkCancelEvent', async () => {
    const out = await client.activations.bulkCancelEvent(triggerKey, [e2, e3]);
    check(out.results?.length === 2 && out.results.every((r) => r.itemMetadata?.success && isGUID(r.externalEntityId)), 'every item canceled', out);
    check(out.bulkActionMetadata?.totalSuccesses === 2, 'bulkActionMetadata counts', out.bulkActionMetadata);
  });
  await step('deleteAutomation (the listener)', () => client.automations.deleteAutomation(listener));
}

const id = await automationsFlow();
const ids = await queryFlow(id);
await deleteFlow(ids);
await eventsFlow();
const tokens = sent.filter((s) => s === 'POST /oauth2/token').length;
if (sent[0] !== 'POST /oauth2/token' || tokens !== 1) fail(`AppStrategy should fetch one token first; requests:\n  ${sent.join('\n  ')}`);
console.log(`ok   all ${sent.length} SDK requests answered as the SDK expects (${tokens} token request)`);
