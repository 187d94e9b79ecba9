import { useState } from 'react';
import { useMutation } from 'urql';
import { type FormErrors, fieldError, noErrors, toFormErrors } from '../graphql/field-errors.js';
import { useUnsavedChanges } from '../shell/router.js';
import { Field } from '../ui/field.js';
import { ListInput } from '../ui/list-input.js';
import { Switch } from '../ui/switch.js';
import { type BrandDraft, BrandFields } from './brand-fields.js';
import { BusinessHoursFields, type HoursDraft } from './business-hours-fields.js';
import { ModelPriceFields, type PricesDraft, pricesInput, toPricesDraft } from './model-price-fields.js';
import { type SettingsData, UpdateSettingsMutation } from './settings-documents.js';

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

interface Draft {
  brandVoice: string;
  refusalMessage: string;
  apologyMessage: string;
  defaultAgent: string;
  doubleTexting: SettingsData['doubleTexting'];
  identityPolicy: SettingsData['identityPolicy'];
  humanTransferScenarios: string[];
  agentAssist: boolean;
  businessHours: HoursDraft;
  brand: BrandDraft;
  modelPrices: PricesDraft;
}

const toDraft = (s: SettingsData): Draft => ({
  brandVoice: s.brandVoice,
  refusalMessage: s.refusalMessage,
  apologyMessage: s.apologyMessage,
  defaultAgent: s.defaultAgent,
  doubleTexting: s.doubleTexting,
  identityPolicy: s.identityPolicy,
  humanTransferScenarios: [...s.humanTransferScenarios],
  brand: { name: s.brand.name, color: s.brand.color, greeting: s.brand.greeting },
  agentAssist: s.agentAssist,
  modelPrices: toPricesDraft(s.modelPrices),
  businessHours: {
    timeZone: s.businessHours.timeZone,
    days: weekdays.map((day) => ({
      day,
      intervals: (s.businessHours.days.find((d) => d.day === day)?.intervals ?? []).map(({ open, close }) => ({
        open,
        close,
      })),
    })),
  },
});

/**
 * The shared context every agent gets (brand voice, refusal and apology, hours, transfer scenarios, default agent),
 * and the storefront widget's brand. `readOnly` (credentials that may not change settings): the same fields, disabled,
 * with no save bar.
 */
export function WorkspaceSettingsForm({
  settings,
  agents,
  readOnly,
}: {
  settings: SettingsData;
  agents: string[];
  readOnly: boolean;
}) {
  const [saved, setSaved] = useState(() => toDraft(settings));
  const [draft, setDraft] = useState(saved);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [notice, setNotice] = useState<string | null>(null);
  const [state, update] = useMutation(UpdateSettingsMutation);
  const dirty = JSON.stringify(draft) !== JSON.stringify(saved);
  useUnsavedChanges('settings', dirty);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const err = (field: string) => fieldError(errors, `input.${field}`);

  const save = async () => {
    setNotice(null);
    const result = await update({
      input: {
        ...draft,
        modelPrices: pricesInput(draft.modelPrices),
        humanTransferScenarios: draft.humanTransferScenarios.map((s) => s.trim()).filter(Boolean),
        businessHours: {
          timeZone: draft.businessHours.timeZone,
          days: draft.businessHours.days.filter((d) => d.intervals.length > 0),
        },
      },
    });
    if (result.error) return setErrors(toFormErrors(result.error));
    setErrors(noErrors);
    const next = result.data ? toDraft(result.data.updateSettings) : draft;
    setSaved(next);
    setDraft(next);
    setNotice(`Saved · ${result.data?.updateSettings.businessHours.summary ?? ''}`);
  };

  return (
    <form
      className="settings-form"
      aria-label="Workspace settings"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      {readOnly && (
        <p className="alert alert-muted" role="note">
          Read-only: the workspace settings are changed with an admin key.
        </p>
      )}
      {errors.message && (
        <div className="alert alert-error" role="alert">
          {errors.message}
        </div>
      )}
      {/* A disabled fieldset disables every control in it; .read-only hides the add and remove buttons. */}
      <fieldset
        className={`fieldset ${readOnly ? 'read-only' : ''}`}
        disabled={readOnly}
        aria-label="Workspace settings fields"
      >
        <section className="form-section" id="voice">
          <h2>Voice and messages</h2>
          <Field label="Brand voice" error={err('brandVoice')} hint="Every agent writes in this voice.">
            {(a) => (
              <textarea {...a} rows={3} value={draft.brandVoice} onChange={(e) => set('brandVoice', e.target.value)} />
            )}
          </Field>
          <Field
            label="Refusal message"
            error={err('refusalMessage')}
            hint="The planner's answer to off-topic or abusive messages."
          >
            {(a) => (
              <textarea
                {...a}
                rows={2}
                value={draft.refusalMessage}
                onChange={(e) => set('refusalMessage', e.target.value)}
              />
            )}
          </Field>
          <Field label="Apology message" error={err('apologyMessage')} hint="Shown to the shopper when a run fails.">
            {(a) => (
              <textarea
                {...a}
                rows={2}
                value={draft.apologyMessage}
                onChange={(e) => set('apologyMessage', e.target.value)}
              />
            )}
          </Field>
        </section>
        <section className="form-section" id="routing">
          <h2>Routing</h2>
          <div className="row">
            <Field
              label="Default agent"
              error={err('defaultAgent')}
              hint="Takes the request when planning fails."
              className="grow"
            >
              {(a) => (
                <select {...a} value={draft.defaultAgent} onChange={(e) => set('defaultAgent', e.target.value)}>
                  {[...new Set([draft.defaultAgent, ...agents])].map((n) => (
                    <option key={n}>{n}</option>
                  ))}
                </select>
              )}
            </Field>
            <Field
              label="Double texting"
              error={err('doubleTexting')}
              hint="A message sent while a run is active."
              className="grow"
            >
              {(a) => (
                <select
                  {...a}
                  value={draft.doubleTexting}
                  onChange={(e) => set('doubleTexting', e.target.value as Draft['doubleTexting'])}
                >
                  <option value="queue">queue it</option>
                  <option value="interrupt">interrupt the run</option>
                  <option value="reject">reject it</option>
                </select>
              )}
            </Field>
          </div>
          <Field
            label="Shopper identity"
            error={err('identityPolicy')}
            hint={
              draft.identityPolicy === 'email'
                ? 'Anyone who knows a customer’s email (or name and zip) can read and change that customer’s orders and account. For demos and benchmark replays only.'
                : 'An email given in the chat allows order status only; details and changes need a storefront token or a code emailed to the account.'
            }
          >
            {(a) => (
              <select
                {...a}
                value={draft.identityPolicy}
                onChange={(e) => set('identityPolicy', e.target.value as Draft['identityPolicy'])}
              >
                <option value="strict">strict: verify with a token or an emailed code</option>
                <option value="email">email: an email in the chat verifies (demos, benchmark replays)</option>
              </select>
            )}
          </Field>
          <Field label="Human-transfer scenarios" error={err('humanTransferScenarios')}>
            {() => (
              <ListInput
                label="Human-transfer scenarios"
                items={draft.humanTransferScenarios}
                placeholder="e.g. the customer asks for a manager"
                onChange={(v) => set('humanTransferScenarios', v)}
                itemErrors={(i) => errors.fields[`input.humanTransferScenarios.${i}`]}
              />
            )}
          </Field>
        </section>
        <section className="form-section" id="desk">
          <h2>Desk</h2>
          <Switch label="Agent assist" showLabel checked={draft.agentAssist} onChange={(v) => set('agentAssist', v)} />
          <p className="field-hint">
            While a colleague owns a conversation, the bot drafts a suggested reply to each shopper message, for the
            colleague only; write tools are proposed, not run. Each suggestion costs model calls.
          </p>
        </section>
        <section className="form-section" id="hours">
          <h2>Business hours</h2>
          <p className="muted">{settings.businessHours.summary}</p>
          <BusinessHoursFields value={draft.businessHours} onChange={(v) => set('businessHours', v)} error={err} />
        </section>
        <section className="form-section" id="prices">
          <h2>Model prices</h2>
          <p className="field-hint">
            Analytics shows the cost of the tokens of each model that has a price here; models without one show “no
            price set”.
          </p>
          <ModelPriceFields value={draft.modelPrices} onChange={(v) => set('modelPrices', v)} error={err} />
        </section>
        <section className="form-section" id="brand">
          <h2>Storefront widget</h2>
          <BrandFields value={draft.brand} onChange={(v) => set('brand', v)} error={err} />
        </section>
      </fieldset>
      {!readOnly && (
        <div className="save-bar">
          {notice && !dirty && (
            <span className="notice" role="status">
              {notice}
            </span>
          )}
          {dirty && <span className="muted">Unsaved changes</span>}
          <button type="button" className="btn btn-ghost" disabled={!dirty} onClick={() => setDraft(saved)}>
            Revert
          </button>
          <button type="submit" className="btn btn-primary" disabled={!dirty || state.fetching}>
            {state.fetching ? 'Saving…' : 'Save settings'}
          </button>
        </div>
      )}
    </form>
  );
}
