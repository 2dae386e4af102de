// cdk8s runs every validation of the app once per chart (App.synthYaml calls Chart.toJson for each
// chart, and each call validates the whole app). Checks whose answer depends only on state the
// library can count keep their answer between passes.
import { IConstruct } from 'constructs';

/**
 * Add a validation to `scope` whose answer is kept while `version()` returns the same number.
 * `version()` returns undefined when the answer may change without the library seeing it (a
 * user's workload can change its labels): the check then runs on every pass.
 */
export function addKeptValidation(scope: IConstruct, version: () => number | undefined, check: () => string[]): void {
  let kept: { readonly version: number; readonly problems: string[] } | undefined;
  scope.node.addValidation({
    validate: () => {
      const v = version();
      if (v !== undefined && kept?.version === v) return kept.problems;
      const problems = check();
      kept = v === undefined ? undefined : { version: v, problems };
      return problems;
    },
  });
}
