import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { addKeptValidation } from '../../src/emit/validation';

describe('addKeptValidation', () => {
  test('the answer is kept across validation passes while the version holds, recomputed when it moves', () => {
    const app = Testing.app();
    const c1 = new Chart(app, 'a');
    new Chart(app, 'b'); // two charts: cdk8s validates the whole app once per chart, plus once
    let version = 1;
    let calls = 0;
    addKeptValidation(new Construct(c1, 'x'), () => version, () => { calls++; return []; });
    app.synthYaml();
    expect(calls).toBe(1);
    version = 2;
    app.synthYaml();
    expect(calls).toBe(2);
  });

  test('without a version the check runs on every pass, and its problems fail synth with the path', () => {
    const app = Testing.app();
    const c = new Chart(app, 'a');
    new Chart(app, 'b');
    let calls = 0;
    let problems: string[] = [];
    addKeptValidation(new Construct(c, 'x'), () => undefined, () => { calls++; return problems; });
    app.synthYaml();
    expect(calls).toBeGreaterThan(1);
    problems = ['bad value; the fix'];
    expect(() => app.synthYaml()).toThrow(/\[a\/x\] bad value; the fix/);
  });
});
