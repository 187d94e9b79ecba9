import { SpanKind } from '@opentelemetry/api';
import type { ModelProvider, ModelRequest, ModelResponse } from '../models/model-provider.js';
import {
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
} from './semconv.js';
import type { Telemetry } from './telemetry.js';

/** A ModelProvider whose every call is a GenAI `chat` span (model, agent, token usage, finish reason). */
export class TracedModelProvider implements ModelProvider {
  constructor(
    private readonly inner: ModelProvider,
    private readonly telemetry: Telemetry,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  get ruleBased(): boolean {
    return this.inner.ruleBased;
  }

  complete(request: ModelRequest): Promise<ModelResponse> {
    const requested = request.model;
    return this.telemetry.span(
      `${GEN_AI_OPERATION_NAME_VALUE_CHAT} ${requested ?? this.inner.name}`,
      {
        [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_CHAT,
        [ATTR_GEN_AI_PROVIDER_NAME]: this.inner.name,
        [ATTR_GEN_AI_AGENT_NAME]: request.agentName,
        ...(requested ? { [ATTR_GEN_AI_REQUEST_MODEL]: requested } : {}),
        ...(request.temperature !== undefined ? { [ATTR_GEN_AI_REQUEST_TEMPERATURE]: request.temperature } : {}),
      },
      async (span) => {
        const response = await this.inner.complete(request);
        if (span) {
          // Without a per-call model the provider used its default: that is the model requested.
          if (!requested) {
            span.setAttribute(ATTR_GEN_AI_REQUEST_MODEL, response.model);
            span.updateName(`${GEN_AI_OPERATION_NAME_VALUE_CHAT} ${response.model}`);
          }
          span.setAttribute(ATTR_GEN_AI_RESPONSE_MODEL, response.model);
          span.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, [response.finishReason]);
          if (response.usage) {
            span.setAttribute(ATTR_GEN_AI_USAGE_INPUT_TOKENS, response.usage.promptTokens);
            span.setAttribute(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, response.usage.completionTokens);
          }
        }
        return response;
      },
      SpanKind.CLIENT,
    );
  }
}
