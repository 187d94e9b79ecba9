import type { AgentCard } from '../domain/agent-card.js';
import type { Usage } from '../domain/events.js';

/** The agent answered its task: the task loop ends with this output. */
export interface FinalOutputStep {
  type: 'next_step_final_output';
  output: string;
}

/** The agent passed its task on: the task loop records HANDOFF and gives the task to `to`. */
export interface HandoffStep {
  type: 'next_step_handoff';
  /** The target's card, already checked: the handing agent's card lists it and it is enabled. */
  to: AgentCard;
  reason: string;
}

/**
 * What an agent's turn on a task asks the task loop to do next. An agent's own tool loop is its
 * "run again": only an answer or a hand-off leaves the turn.
 */
export type NextStep = FinalOutputStep | HandoffStep;

/** The result of one agent's turn on a task. */
export interface AgentTurn {
  agentName: string;
  nextStep: NextStep;
  usage: Usage;
}
