// cdk-nag's AwsSolutions findings this stack accepts, each with its reason. Everything else the pack
// reports fails synthesis (`chokutsu deploy --synth`) and the tests (test/infra/).
import { Validations, type Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

export function suppressJustified(stack: Stack): void {
  for (const node of stack.node.findAll()) {
    if (node instanceof secretsmanager.Secret) {
      Validations.of(node).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: "An agent's initial Amazon Connect password: Connect keeps its own copy, so rotating the secret would not change the password; agents change it in Connect.",
      });
    }
  }
}
