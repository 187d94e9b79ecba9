import { type BusinessHours, describeBusinessHours, isOpenAt, weekdays } from '../../domain/business-hours.js';
import type { ModelPrice } from '../../domain/model-prices.js';
import type { Brand, WorkspaceSettings } from '../../domain/workspace-settings.js';
import { doubleTextingPolicies } from '../../domain/workspace-settings.js';
import { ValidationError } from '../../errors.js';
import { builder } from '../builder.js';
import { IdentityPolicyEnum } from './identity.js';

const DoubleTexting = builder.enumType('DoubleTextingPolicy', {
  description: 'What happens to a message sent while a run is still active in the conversation.',
  values: doubleTextingPolicies,
});

type Interval = { open: string; close: string };
const IntervalRef = builder.objectRef<Interval>('OpeningInterval').implement({
  fields: (t) => ({ open: t.exposeString('open'), close: t.exposeString('close') }),
});
const DayRef = builder.objectRef<{ day: string; intervals: Interval[] }>('OpeningDay').implement({
  fields: (t) => ({
    day: t.exposeString('day', { description: 'mon … sun' }),
    intervals: t.field({ type: [IntervalRef], resolve: (d) => d.intervals }),
  }),
});
const BusinessHoursRef = builder.objectRef<BusinessHours>('BusinessHours').implement({
  fields: (t) => ({
    timeZone: t.exposeString('timeZone'),
    days: t.field({ type: [DayRef], resolve: (h) => weekdays.map((day) => ({ day, intervals: h.weekly[day] })) }),
    openNow: t.boolean({ resolve: (h) => isOpenAt(h, new Date()) }),
    summary: t.string({ resolve: (h) => describeBusinessHours(h) }),
  }),
});

const BrandRef = builder.objectRef<Brand>('Brand').implement({
  description:
    "How the storefront widget presents the shop: the name in its title, the colour of its launcher, header and buttons, and the greeting of an empty chat. A page's data-* attributes override each.",
  fields: (t) => ({
    name: t.exposeString('name'),
    color: t.exposeString('color', { description: 'A hex colour, e.g. "#1f4f99".' }),
    greeting: t.exposeString('greeting'),
  }),
});

const ModelPriceRef = builder.objectRef<ModelPrice>('ModelPrice').implement({
  description: 'What a model costs; analytics prices the tokens recorded under this model name.',
  fields: (t) => ({
    model: t.exposeString('model', { description: 'The model name the provider reports, e.g. "gpt-4o-mini".' }),
    inputPerMillion: t.exposeFloat('inputPerMillion', { description: 'Price of a million prompt tokens.' }),
    outputPerMillion: t.exposeFloat('outputPerMillion', { description: 'Price of a million completion tokens.' }),
    currency: t.exposeString('currency', { description: 'ISO 4217 code; the same for every price.' }),
  }),
});

const SettingsRef = builder.objectRef<WorkspaceSettings>('Settings').implement({
  description:
    "The workspace's shared context: every agent gets the brand voice; the planner refuses with the refusal message.",
  fields: (t) => ({
    brandVoice: t.exposeString('brandVoice'),
    refusalMessage: t.exposeString('refusalMessage'),
    apologyMessage: t.exposeString('apologyMessage', { description: 'Shown to the shopper when a run fails.' }),
    businessHours: t.field({ type: BusinessHoursRef, resolve: (s) => s.businessHours }),
    humanTransferScenarios: t.exposeStringList('humanTransferScenarios'),
    defaultAgent: t.exposeString('defaultAgent'),
    doubleTexting: t.field({ type: DoubleTexting, resolve: (s) => s.doubleTexting }),
    agentAssist: t.exposeBoolean('agentAssist', {
      description: 'Draft a suggested reply for the colleague who owns a conversation (costs model calls).',
    }),
    brand: t.field({ type: BrandRef, resolve: (s) => s.brand }),
    identityPolicy: t.field({ type: IdentityPolicyEnum, resolve: (s) => s.identityPolicy }),
    modelPrices: t.field({ type: [ModelPriceRef], resolve: (s) => s.modelPrices }),
  }),
});

const ModelPriceInput = builder.inputType('ModelPriceInput', {
  fields: (t) => ({
    model: t.string({ required: true }),
    inputPerMillion: t.float({ required: true }),
    outputPerMillion: t.float({ required: true }),
    currency: t.string({ required: true }),
  }),
});

const BrandInput = builder.inputType('BrandInput', {
  description: 'Fields left out keep their value.',
  fields: (t) => ({ name: t.string(), color: t.string(), greeting: t.string() }),
});

const IntervalInput = builder.inputType('OpeningIntervalInput', {
  fields: (t) => ({ open: t.string({ required: true }), close: t.string({ required: true }) }),
});
const DayInput = builder.inputType('OpeningDayInput', {
  fields: (t) => ({
    day: t.string({ required: true }),
    intervals: t.field({ type: [IntervalInput], required: true }),
  }),
});
const BusinessHoursInput = builder.inputType('BusinessHoursInput', {
  fields: (t) => ({
    timeZone: t.string({ required: true }),
    days: t.field({ type: [DayInput], required: true, description: 'Days left out are closed.' }),
  }),
});
const SettingsInput = builder.inputType('UpdateSettingsInput', {
  fields: (t) => ({
    brandVoice: t.string(),
    refusalMessage: t.string(),
    apologyMessage: t.string(),
    businessHours: t.field({ type: BusinessHoursInput }),
    humanTransferScenarios: t.stringList(),
    defaultAgent: t.string(),
    doubleTexting: t.field({ type: DoubleTexting }),
    agentAssist: t.boolean(),
    brand: t.field({ type: BrandInput }),
    identityPolicy: t.field({ type: IdentityPolicyEnum }),
    modelPrices: t.field({
      type: [ModelPriceInput],
      description: 'The whole price list (replaces the current one): one price per model, all in one currency.',
    }),
  }),
});

builder.queryFields((t) => ({
  settings: t.field({
    type: SettingsRef,
    authScopes: { reader: true },
    resolve: (_r, _a, ctx) => ctx.services.settings.get(),
  }),
  brand: t.field({
    type: BrandRef,
    description:
      'The brand the storefront widget shows. Public: any page may read it without credentials, like the widget itself.',
    resolve: async (_r, _a, ctx) => (await ctx.services.settings.get()).brand,
  }),
}));

builder.mutationFields((t) => ({
  updateSettings: t.field({
    type: SettingsRef,
    authScopes: { admin: true },
    args: { input: t.arg({ type: SettingsInput, required: true }) },
    resolve: async (_r, { input }, ctx) => {
      const { businessHours, brand: brandPatch, ...rest } = input;
      const given = Object.fromEntries(
        Object.entries(brandPatch ?? {}).filter(([, v]) => v !== null && v !== undefined),
      );
      const brand = brandPatch ? { ...(await ctx.services.settings.get()).brand, ...given } : undefined;
      const weekly = businessHours
        ? {
            timeZone: businessHours.timeZone,
            weekly: Object.fromEntries(
              weekdays.map((d) => [d, businessHours.days.find((x) => x.day.toLowerCase() === d)?.intervals ?? []]),
            ),
          }
        : undefined;
      const unknownDay = businessHours?.days.findIndex(
        (d) => !(weekdays as readonly string[]).includes(d.day.toLowerCase()),
      );
      if (unknownDay !== undefined && unknownDay >= 0)
        throw new ValidationError([
          { field: `input.businessHours.days.${unknownDay}.day`, message: 'day is one of mon … sun' },
        ]);
      return ctx.services.settings.update({ ...rest, businessHours: weekly, brand });
    },
  }),
}));
