// cdk-nag's AwsSolutions findings this stack accepts, each with its reason. Everything else the pack
// reports fails synthesis (`chokutsu deploy --synth`) and the tests (test/infra/).
import { Validations, type Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';

export interface JustifiedFinding {
  id: string;
  reason: string;
  /** The constructs it is acknowledged on. */
  appliesTo(construct: IConstruct): boolean;
}

export const JUSTIFIED_FINDINGS: readonly JustifiedFinding[] = [
  {
    id: 'AwsSolutions-SMG4',
    reason: "An agent's initial Amazon Connect password: Connect keeps its own copy, so rotating the secret would not change the password; agents change it in Connect.",
    appliesTo: (c) => c instanceof secretsmanager.Secret,
  },
];

export function suppressJustified(stack: Stack): void {
  for (const node of stack.node.findAll()) {
    for (const finding of JUSTIFIED_FINDINGS) {
      if (finding.appliesTo(node)) Validations.of(node).acknowledge({ id: finding.id, reason: finding.reason });
    }
  }
}
