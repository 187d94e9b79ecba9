/** A planned task as the planner's JSON gives it, for scripted models. */
export const plannedTask = (id: string, agent: string, dependsOn: string[] = []) => ({
  id,
  agent,
  instruction: `Do ${id}`,
  statusMessage: `Working on ${id}...`,
  dependsOn,
});

/** An order task, then a product task that waits for it: a run with a task boundary to pause at. */
export const twoTaskPlan = {
  refuse: false,
  tasks: [plannedTask('t1', 'OrderManagementAgent'), plannedTask('t2', 'ProductExpertAgent', ['t1'])],
};

/** A gate a test opens to let a scripted model answer: the run holds at a known point until then. */
export class Gate {
  private open!: () => void;
  readonly opened = new Promise<void>((r) => {
    this.open = r;
  });
  release() {
    this.open();
  }
}
