/** What an action.yml holds that the conversion uses. */
interface ActionFile {
  inputs?: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description?: string; value: string }>;
  runs: { using: string; steps: unknown[] };
}

/**
 * A composite action as a reusable workflow with the same inputs, steps and outputs, so
 * actionlint (which reads workflows, not action.yml) checks its expressions, step ids and
 * inputs: `inputs.x` and `steps.y.outputs.z` mean the same in both.
 *
 * @example
 * lint(actionAsWorkflow(readFileSync("action.yml", "utf8")), "action.yml"); // []
 */
export function actionAsWorkflow(actionYaml: string): string {
  const action = Bun.YAML.parse(actionYaml) as ActionFile;
  if (action.runs.using !== "composite") throw new Error("not a composite action");
  const inputs = Object.fromEntries(
    Object.entries(action.inputs ?? {}).map(([k, v]) => [
      k,
      {
        description: v.description,
        required: v.required ?? false,
        type: "string",
        default: v.default,
      },
    ]),
  );
  const outputs = Object.fromEntries(
    Object.entries(action.outputs ?? {}).map(([k, v]) => [k, v.value]),
  );
  const workflow = {
    name: "action",
    on: { workflow_call: { inputs } },
    jobs: { action: { "runs-on": "ubuntu-latest", outputs, steps: action.runs.steps } },
  };
  return JSON.stringify(workflow, null, 2);
}
