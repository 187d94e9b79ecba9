import { isBatonError } from '../errors.js';
import type { McpServerStatus } from '../tools/mcp-tool-registry.js';
import type { ManagedToolRegistry, ToolCallContext, ToolDefinition, ToolResult } from '../tools/tool-registry.js';
import { asToolServerAdmin, type ToolServerAdmin } from '../tools/tool-server-admin.js';
import type { VerificationCodes } from './verification-codes.js';

export const IDENTITY_SERVER = 'identity';
export const SEND_CODE_TOOL = `${IDENTITY_SERVER}.send_verification_code`;

/** The same words whether or not the claim matches an account: nobody learns which emails have one. */
export const CODE_SENT_NOTE =
  'If the email address (or name and zip code) the shopper gave belongs to an account, a 6-digit code was just emailed to the address on that account. It expires in 10 minutes. Ask the shopper to type the code here.';

const sendCode: ToolDefinition = {
  name: SEND_CODE_TOOL,
  server: IDENTITY_SERVER,
  tool: 'send_verification_code',
  description:
    "Email a one-time 6-digit code to the address on the account the shopper claimed (with find_user_id_by_email or find_user_id_by_name_zip), to verify it's them. The shopper types the code into the chat; once it matches, account details, order details and changes are possible. Takes no arguments.",
  inputSchema: { type: 'object', properties: {}, additionalProperties: false },
  readOnly: false,
  identity: { minimumLevel: 'claimed', readsPersonalData: false, writes: true },
};

/**
 * Baton's own identity tools beside the app's registry (the store and external MCP servers):
 * `identity.send_verification_code`. Checking the code the shopper types is not a tool: the run does
 * it before planning (typed-code-step.ts), so no model decides whether a code matched.
 */
export class IdentityToolRegistry implements ManagedToolRegistry, Partial<ToolServerAdmin> {
  readonly httpHandlers?: ManagedToolRegistry['httpHandlers'];
  readonly refresh?: ManagedToolRegistry['refresh'];
  readonly registerServer?: ToolServerAdmin['registerServer'];
  readonly removeServer?: ToolServerAdmin['removeServer'];
  readonly servers?: ToolServerAdmin['servers'];

  constructor(
    private readonly inner: ManagedToolRegistry,
    private readonly codes: Pick<VerificationCodes, 'issue'>,
  ) {
    if (inner.httpHandlers) this.httpHandlers = () => inner.httpHandlers!();
    if (inner.refresh) this.refresh = () => inner.refresh!();
    const admin = asToolServerAdmin(inner);
    if (admin) {
      this.registerServer = (input) => admin.registerServer(input);
      this.removeServer = (name) => admin.removeServer(name);
      this.servers = async () => [...(await admin.servers()), this.status()];
    }
  }

  async list(): Promise<ToolDefinition[]> {
    return [...(await this.inner.list()), sendCode];
  }

  async call(name: string, args: unknown, context: ToolCallContext): Promise<ToolResult> {
    if (name !== SEND_CODE_TOOL) return this.inner.call(name, args, context);
    const claim = context.customer.claim;
    if (!claim)
      return {
        ok: false,
        error:
          'No claim to verify yet: ask the shopper for the email address on their account (or first name, last name and zip code) and call find_user_id_by_email (or find_user_id_by_name_zip) first.',
        errorCode: 'IDENTITY_REQUIRED',
      };
    try {
      await this.codes.issue(context.conversationId, claim);
      return { ok: true, output: { sent: true, note: CODE_SENT_NOTE } };
    } catch (err) {
      if (isBatonError(err) && err.code === 'RATE_LIMITED')
        return { ok: false, error: err.message, errorCode: 'RATE_LIMITED' };
      throw err;
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private status(): McpServerStatus {
    return {
      name: IDENTITY_SERVER,
      transport: 'in-process',
      builtIn: true,
      enabled: true,
      status: 'connected',
      tools: [sendCode],
    };
  }
}
