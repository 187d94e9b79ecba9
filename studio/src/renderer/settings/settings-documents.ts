import { graphql, type ResultOf } from '../graphql/graphql.js';

export const SettingsFields = graphql(`
  fragment SettingsFields on Settings {
    brandVoice
    refusalMessage
    apologyMessage
    defaultAgent
    doubleTexting
    identityPolicy
    humanTransferScenarios
    brand {
      name
      color
      greeting
    }
    agentAssist
    modelPrices {
      model
      inputPerMillion
      outputPerMillion
      currency
    }
    businessHours {
      timeZone
      summary
      openNow
      days {
        day
        intervals {
          open
          close
        }
      }
    }
  }
`);
export type SettingsData = ResultOf<typeof SettingsFields>;

export const SettingsQuery = graphql(
  `
  query Settings {
    settings {
      ...SettingsFields
    }
    agents {
      name
      enabled
    }
  }
`,
  [SettingsFields],
);

export const UpdateSettingsMutation = graphql(
  `
  mutation UpdateSettings($input: UpdateSettingsInput!) {
    updateSettings(input: $input) {
      ...SettingsFields
    }
  }
`,
  [SettingsFields],
);
