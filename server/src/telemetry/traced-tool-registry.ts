import { SpanStatusCode } from '@opentelemetry/api';
import type { ManagedToolRegistry, ToolCallContext, ToolResult } from '../tools/tool-registry.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
} from './semconv.js';
import type { Telemetry } from './telemetry.js';

/** A tool registry whose every call is a GenAI `execute_tool` span; refusals and failures mark it as an error. */
export class TracedToolRegistry implements ManagedToolRegistry {
  readonly httpHandlers?: ManagedToolRegistry['httpHandlers'];
  readonly refresh?: ManagedToolRegistry['refresh'];

  constructor(
    private readonly inner: ManagedToolRegistry,
    private readonly telemetry: Telemetry,
  ) {
    if (inner.httpHandlers) this.httpHandlers = () => inner.httpHandlers!();
    if (inner.refresh) this.refresh = () => inner.refresh!();
  }

  list() {
    return this.inner.list();
  }

  close() {
    return this.inner.close();
  }

  call(name: string, args: unknown, context: ToolCallContext): Promise<ToolResult> {
    return this.telemetry.span(
      `${GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL} ${name}`,
      {
        [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
        [ATTR_GEN_AI_TOOL_NAME]: name,
        [ATTR_GEN_AI_TOOL_TYPE]: 'extension',
        [ATTR_GEN_AI_TOOL_CALL_ID]: context.idempotencyKey,
        [ATTR_GEN_AI_AGENT_NAME]: context.agentName,
        [ATTR_GEN_AI_CONVERSATION_ID]: context.conversationId,
        'baton.run.id': context.runId,
        'baton.task.id': context.taskId,
      },
      async (span) => {
        const result = await this.inner.call(name, args, context);
        if (span && !result.ok) {
          span.setAttribute(ATTR_ERROR_TYPE, result.errorCode ?? 'TOOL_ERROR');
          span.setStatus({ code: SpanStatusCode.ERROR, message: result.error });
        }
        return result;
      },
    );
  }
}
