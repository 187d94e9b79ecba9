import { isAdmin, type Principal, vouchesForCustomers, writesAsShopper } from '../../auth/principal.js';
import { builder } from '../builder.js';

interface ViewerInfo {
  role: 'admin' | 'support' | 'integrator' | 'conversation' | 'anonymous';
  name: string | null;
  writesAsShopper: boolean;
  vouchesForCustomers: boolean;
}

function viewerOf(p: Principal): ViewerInfo {
  const role =
    p.kind === 'key' ? p.role : p.kind === 'conversation' ? 'conversation' : isAdmin(p) ? 'admin' : 'anonymous';
  return {
    role,
    name: p.kind === 'key' ? p.name : null,
    // The rules sendMessage and startConversation apply.
    writesAsShopper: writesAsShopper(p),
    vouchesForCustomers: vouchesForCustomers(p),
  };
}

const ViewerRef = builder.objectRef<ViewerInfo>('Viewer').implement({
  description:
    'Who is calling, and what their credentials let them do that a client would otherwise learn only by failing: the studio hides the Playground from a support key, which may not write as the shopper.',
  fields: (t) => ({
    role: t.exposeString('role', {
      description:
        '`admin`, `support` or `integrator` (an API key), `conversation` (a conversation token), `admin` with AUTH_MODE=off.',
    }),
    name: t.exposeString('name', { nullable: true, description: "The API key's name; null for other credentials." }),
    writesAsShopper: t.exposeBoolean('writesAsShopper', {
      description:
        'May write as the shopper (`sendMessage`); false for a support key, which writes as a person with sendHumanMessage.',
    }),
    vouchesForCustomers: t.exposeBoolean('vouchesForCustomers', {
      description: 'May start a conversation for a customer it names (`startConversation(input: { customerId })`).',
    }),
  }),
});

builder.queryFields((t) => ({
  viewer: t.field({
    type: ViewerRef,
    description: 'Who the caller is (their role) and what they may do as the shopper.',
    authScopes: { authenticated: true },
    resolve: (_root, _args, ctx) => viewerOf(ctx.auth.principal),
  }),
}));
