import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { instanceArn, lambdaArn, parseConnectArn, resourceArn } from '../../src/instance/arn.ts';
import { demoDefinition } from '../../src/instance/demo.ts';

describe('ARNs', () => {
  test('defaults to ap-northeast-1, account 000000000000 and instance chokutsu', () => {
    assert.equal(instanceArn({}), 'arn:aws:connect:ap-northeast-1:000000000000:instance/chokutsu');
    assert.equal(lambdaArn({}, 'f'), 'arn:aws:lambda:ap-northeast-1:000000000000:function:f');
  });

  test('builds the ARNs the shipped flow refers to from the demo definition', () => {
    const def = demoDefinition();
    assert.equal(
      resourceArn(def, 'operating-hours', 'business-hours'),
      'arn:aws:connect:ap-northeast-1:000000000000:instance/chokutsu/operating-hours/business-hours',
    );
    assert.equal(resourceArn(def, 'queue', 'general'), 'arn:aws:connect:ap-northeast-1:000000000000:instance/chokutsu/queue/general');
  });

  test('round-trips every resource kind', () => {
    const def = { awsRegion: 'us-west-2', awsAccountId: '123456789012', instanceId: 'a1b2c3d4-0000-1111-2222-333344445555' };
    for (const kind of ['queue', 'operating-hours', 'contact-flow', 'prompt', 'agent'] as const) {
      assert.deepEqual(parseConnectArn(resourceArn(def, kind, 'x-1')), {
        region: 'us-west-2',
        account: '123456789012',
        instanceId: 'a1b2c3d4-0000-1111-2222-333344445555',
        kind,
        id: 'x-1',
      });
    }
    assert.deepEqual(parseConnectArn(instanceArn(def)), { region: 'us-west-2', account: '123456789012', instanceId: def.instanceId });
  });

  test('rejects what is not a Connect ARN', () => {
    assert.equal(parseConnectArn('arn:aws:lambda:ap-northeast-1:000000000000:function:f'), undefined);
    assert.equal(parseConnectArn('arn:aws:connect:ap-northeast-1:000000000000:instance/chokutsu/widget/x'), undefined);
    assert.equal(parseConnectArn('arn:aws:connect:ap-northeast-1:123:instance/chokutsu'), undefined);
    assert.equal(parseConnectArn('general'), undefined);
  });
});
