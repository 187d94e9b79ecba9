import { useQuery } from 'urql';
import { graphql, type ResultOf } from '../graphql/graphql.js';

export const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      role
      name
      writesAsShopper
      vouchesForCustomers
    }
  }
`);

export type ViewerInfo = ResultOf<typeof ViewerQuery>['viewer'];

/**
 * Who the studio's credentials are (role, and whether they may write as the shopper): undefined while asking, null
 * when the server could not say (an older server without `viewer`: the studio then offers everything, as before).
 */
export function useViewer(): ViewerInfo | null | undefined {
  const [result] = useQuery({ query: ViewerQuery, requestPolicy: 'cache-first' });
  if (result.data) return result.data.viewer;
  return result.error ? null : undefined;
}
