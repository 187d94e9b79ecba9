import { graphql, type ResultOf } from '../graphql/graphql.js';

export const DatasetsQuery = graphql(`
  query Datasets {
    datasets {
      id
      name
      caseCount
      createdAt
    }
  }
`);

export const ExperimentFields = graphql(`
  fragment ExperimentFields on Experiment {
    id
    name
    status
    provider
    total
    done
    passed
    passRate
    durationMs
    tokens
    error
    createdAt
    drafts {
      name
      revision
    }
  }
`);
export type ExperimentData = ResultOf<typeof ExperimentFields>;

export const DatasetQuery = graphql(
  `
  query Dataset($id: ID!) {
    dataset(id: $id) {
      id
      name
      caseCount
      experiments {
        ...ExperimentFields
      }
    }
  }
`,
  [ExperimentFields],
);

export const ExperimentResultsQuery = graphql(`
  query ExperimentResults($id: ID!) {
    experiment(id: $id) {
      id
      cardVersions
      confusion {
        agent
        truePositives
        falsePositives
        falseNegatives
      }
      results {
        position
        kind
        label
        passed
        failures
      }
    }
  }
`);

export const CompareExperimentsQuery = graphql(`
  query CompareExperiments($baseId: ID!, $id: ID!) {
    compareExperiments(baseId: $baseId, id: $id) {
      passRateDelta
      unchanged
      improved {
        position
        label
      }
      regressed {
        position
        label
      }
    }
  }
`);

export const ImportDatasetMutation = graphql(`
  mutation ImportDataset($name: String!, $jsonl: String!) {
    importDataset(name: $name, jsonl: $jsonl) {
      id
      name
      caseCount
    }
  }
`);

export const StartExperimentMutation = graphql(
  `
  mutation StartExperiment($datasetId: ID!, $provider: ExperimentProvider, $concurrency: Int, $useDrafts: [String!]) {
    startExperiment(datasetId: $datasetId, provider: $provider, concurrency: $concurrency, useDrafts: $useDrafts) {
      ...ExperimentFields
    }
  }
`,
  [ExperimentFields],
);
