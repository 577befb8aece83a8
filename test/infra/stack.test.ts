// The CDK app synthesized in-process from the demo definition, once for the file: every resource the
// definition asks for, least-privilege IAM, every flow's content resolved and passing our flow check,
// and cdk-nag's AwsSolutions pack. No AWS credentials or network are needed.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { checkFlowText } from '../../src/flow/validate.ts';
import type { ReferenceResolver } from '../../src/flow/catalog.ts';
import { demoDefinition, SHIPPED_FLOWS_DIR, writeDemoInstance } from '../../src/instance/demo.ts';
import { JUSTIFIED_FINDINGS } from '../../infra/nag.ts';
import { loadForDeploy, synthesize, type Synthesized } from '../../infra/synth.ts';

const TEST_CASES_DIR = fileURLToPath(new URL('../../tests/connect', import.meta.url));

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

const ACCOUNT = '123456789012';
const INSTANCE = `arn:aws:connect:ap-northeast-1:${ACCOUNT}:instance/5e2b1d4c-0000-4000-8000-00000000cafe`;
const ATTRIBUTE_ARNS: Record<string, (logicalId: string) => string> = {
  'AWS::Connect::Instance': () => INSTANCE,
  'AWS::Connect::Queue': (id) => `${INSTANCE}/queue/${id}`,
  'AWS::Connect::HoursOfOperation': (id) => `${INSTANCE}/operating-hours/${id}`,
  'AWS::Connect::ContactFlow': (id) => `${INSTANCE}/contact-flow/${id}`,
  'AWS::Connect::Prompt': (id) => `${INSTANCE}/prompt/${id}`,
  'AWS::Connect::User': (id) => `${INSTANCE}/agent/${id}`,
  'AWS::Lambda::Function': (id) => `arn:aws:lambda:ap-northeast-1:${ACCOUNT}:function:${id}`,
};

/** Resolves the intrinsic functions a flow's Content uses, as CloudFormation would at deploy time. */
function evaluate(value: unknown, resources: Resources): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => evaluate(v, resources));
  const [fn, arg] = Object.entries(value)[0] as [string, unknown];
  switch (fn) {
    case 'Fn::Join': {
      const [sep, parts] = arg as [string, unknown[]];
      return parts.map((p) => evaluate(p, resources)).join(sep);
    }
    case 'Fn::GetAtt': {
      const [logicalId] = arg as [string, string];
      const type = resources[logicalId]?.Type ?? '?';
      const arn = ATTRIBUTE_ARNS[type];
      assert.ok(arn, `no ARN for ${type} (${logicalId})`);
      return arn(logicalId);
    }
    case 'Fn::Select': {
      const [i, list] = arg as [number, unknown];
      return (evaluate(list, resources) as string[])[i];
    }
    case 'Fn::Split': {
      const [sep, s] = arg as [string, unknown];
      return (evaluate(s, resources) as string).split(sep);
    }
    case 'Ref':
      return arg === 'AWS::AccountId' ? ACCOUNT : `ref:${String(arg)}`;
    default:
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluate(v, resources)]));
  }
}

describe('the CDK app (infra/) for the demo company', () => {
  let dir: string;
  let synth: Synthesized;
  let template: Template;
  let resources: Resources;
  const def = demoDefinition();

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'chokutsu-infra-'));
    writeDemoInstance(dir, { force: true, flowsDir: SHIPPED_FLOWS_DIR });
    // A recorded prompt and a spoken one, and a retention for recordings.
    writeFileSync(join(dir, 'welcome.wav'), Buffer.alloc(64));
    writeFileSync(join(dir, 'chokutsu.json'), JSON.stringify({
      ...def,
      prompts: [
        { id: 'welcome', name: 'ようこそ', file: 'welcome.wav' },
        { id: 'goodbye', name: 'さようなら', text: 'お電話ありがとうございました。' },
      ],
      recordings: { retentionDays: 90 },
    }));
    synth = synthesize(loadForDeploy(join(dir, 'chokutsu.json')), {
      outDir: join(dir, 'cdk.out'), nag: false, phoneNumber: { prefix: '+8150' }, testCasesDir: TEST_CASES_DIR,
    });
    template = Template.fromJSON(JSON.parse(readFileSync(synth.templateFile, 'utf8')) as Record<string, unknown>);
    resources = template.toJSON()['Resources'] as Resources;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

  test('creates the Connect instance, its hours, one queue per project, routing profiles, users and prompts', () => {
    template.resourceCountIs('AWS::Connect::Instance', 1);
    template.hasResourceProperties('AWS::Connect::Instance', {
      IdentityManagementType: 'CONNECT_MANAGED', Attributes: Match.objectLike({ InboundCalls: true }),
    });
    template.resourceCountIs('AWS::Connect::HoursOfOperation', def.hoursOfOperation.length);
    template.hasResourceProperties('AWS::Connect::HoursOfOperation', {
      TimeZone: 'Asia/Tokyo',
      Config: Match.arrayWith([{ Day: 'MONDAY', StartTime: { Hours: 9, Minutes: 0 }, EndTime: { Hours: 18, Minutes: 0 } }]),
    });
    template.resourceCountIs('AWS::Connect::Queue', def.queues.length);
    for (const q of def.queues) template.hasResourceProperties('AWS::Connect::Queue', { Name: q.name });
    template.resourceCountIs('AWS::Connect::RoutingProfile', def.routingProfiles.length);
    template.resourceCountIs('AWS::Connect::User', def.agents.length);
    for (const a of def.agents) {
      template.hasResourceProperties('AWS::Connect::User', {
        Username: a.username, PhoneConfig: Match.objectLike({ PhoneType: 'SOFT_PHONE', AfterContactWorkTimeLimit: 30 }),
      });
    }
    // The recorded prompt is uploaded; the spoken one needs no audio.
    template.resourceCountIs('AWS::Connect::Prompt', 1);
    template.hasResourceProperties('AWS::Connect::Prompt', { Name: 'ようこそ', S3Uri: Match.anyValue() });
  });

  test('deploys every test case of tests/connect as AWS::Connect::TestCase, its references to the deployed resources', () => {
    const files = readdirSync(TEST_CASES_DIR).filter((f) => f.endsWith('.json'));
    assert.ok(files.length >= 7);
    template.resourceCountIs('AWS::Connect::TestCase', files.length);
    const flowIds = new Map(ofType('AWS::Connect::ContactFlow').map(([id, r]) => [r.Properties['Name'], id]));
    const entryFlowId = flowIds.get(def.flows.find((f) => f.id === def.phoneNumbers[0]?.flow)?.name);
    assert.ok(entryFlowId);
    const lambdaArns = new Set(ofType('AWS::Lambda::Function').map(([id]) => `arn:aws:lambda:ap-northeast-1:${ACCOUNT}:function:${id}`));
    const names = new Set<unknown>();
    for (const [, tc] of ofType('AWS::Connect::TestCase')) {
      const p = tc.Properties;
      names.add(p['Name']);
      assert.equal(p['Status'], 'SAVED');
      assert.equal(evaluate(p['InstanceArn'], resources), INSTANCE);
      const entry = p['EntryPoint'] as { Type: string; VoiceCallEntryPointParameters: Record<string, unknown> };
      assert.equal(entry.Type, 'VOICE_CALL');
      // The deployed direct-line flow, by its id; the local number is not the deployed one, so it is not sent.
      assert.equal(evaluate(entry.VoiceCallEntryPointParameters['FlowId'], resources), entryFlowId);
      assert.equal(entry.VoiceCallEntryPointParameters['DestinationPhoneNumber'], undefined);
      assert.equal(entry.VoiceCallEntryPointParameters['SourcePhoneNumber'], '+819012345678');
      // Content is the JSON string Connect takes, once CloudFormation has put the ARNs in.
      const text = evaluate(p['Content'], resources);
      assert.equal(typeof text, 'string');
      const content = JSON.parse(text as string) as { Version: string; Metadata?: Record<string, unknown>; Observations: unknown[] };
      assert.equal(content.Version, '2025-06-21');
      assert.equal(content.Metadata?.['chokutsu'], undefined, 'local-only metadata is removed');
      assert.ok(content.Observations.length > 0);
      assert.doesNotMatch(text as string, /000000000000/, 'no local ARN is left');
      for (const m of (text as string).matchAll(/"LambdaFunctionARN":"([^"]+)"/g)) assert.ok(lambdaArns.has(m[1] as string), m[1]);
    }
    const sources = files.map((f) => (JSON.parse(readFileSync(join(TEST_CASES_DIR, f), 'utf8')) as { Name: string }).Name);
    assert.deepEqual([...names].sort(), sources.sort());
    const lookupFailure = ofType('AWS::Connect::TestCase').find(([id]) => id.startsWith('TestCaselookupfailure'));
    assert.ok(lookupFailure, 'logical ids follow the file names');
    assert.match(evaluate(lookupFailure[1].Properties['Content'], resources) as string, /"LambdaFunctionARN":"arn:aws:lambda:/);
  });

  test('never puts a password in the template: each user gets a generated one from Secrets Manager', () => {
    for (const [, user] of ofType('AWS::Connect::User')) {
      assert.match(JSON.stringify(user.Properties['Password']), /resolve:secretsmanager:/);
    }
  });

  test('deploys both functions on Lambda, associated with the instance', () => {
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.resourceCountIs('AWS::Connect::IntegrationAssociation', 2);
    template.hasResourceProperties('AWS::Connect::IntegrationAssociation', { IntegrationType: 'LAMBDA_FUNCTION' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Environment: { Variables: Match.objectLike({ CUSTOMER_TABLE: Match.anyValue(), CHOKUTSU_QUEUES: Match.anyValue() }) },
    });
  });

  test("keeps customers in DynamoDB under the original's CustomerId key", () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'CustomerId', KeyType: 'HASH' }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  test('stores recordings in an encrypted, private, TLS-only bucket that forgets them after retentionDays', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: Match.objectLike({ ServerSideEncryptionConfiguration: Match.anyValue() }),
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90, Status: 'Enabled' })] },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    template.hasResourceProperties('AWS::Connect::InstanceStorageConfig', { ResourceType: 'CALL_RECORDINGS', StorageType: 'S3' });
  });

  test('claims a Japanese 050 DID for the instance', () => {
    template.hasResourceProperties('AWS::Connect::PhoneNumber', { CountryCode: 'JP', Type: 'DID', Prefix: '+8150' });
  });

  test('lets Connect invoke only the two functions, and only from this instance', () => {
    const permissions = ofType('AWS::Lambda::Permission');
    const functions = new Set(ofType('AWS::Lambda::Function').map(([id]) => id));
    assert.equal(permissions.length, 2);
    for (const [, p] of permissions) {
      assert.equal(p.Properties['Principal'], 'connect.amazonaws.com');
      assert.equal(p.Properties['Action'], 'lambda:InvokeFunction');
      assert.deepEqual(p.Properties['SourceArn'], { 'Fn::GetAtt': ['Instance', 'Arn'] });
      const target = (p.Properties['FunctionName'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      assert.ok(functions.has(target), target);
    }
  });

  test('gives the lookup read access to its table only, and the holiday check no data at all', () => {
    const statements = ofType('AWS::IAM::Policy').flatMap(([id, p]) =>
      ((p.Properties['PolicyDocument'] as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement).map((s) => ({ policy: id, ...s })));
    const table = ofType('AWS::DynamoDB::Table')[0]?.[0];
    for (const s of statements) {
      const actions = [s.Action].flat();
      assert.ok(!JSON.stringify(s.Resource).includes('"*"'), `${s.policy}: no wildcard resource`);
      if (actions.some((a) => a.startsWith('dynamodb:'))) {
        assert.deepEqual(actions, ['dynamodb:GetItem'], s.policy);
        assert.deepEqual(s.Resource, [{ 'Fn::GetAtt': [table, 'Arn'] }]);
        assert.match(s.policy, /customerlookup/);
      } else {
        assert.deepEqual(actions.sort(), ['logs:CreateLogStream', 'logs:PutLogEvents'], s.policy);
      }
    }
    assert.equal(ofType('AWS::IAM::Role').filter(([, r]) => r.Properties['ManagedPolicyArns'] !== undefined).length, 0, 'no managed policies');
  });

  describe('the flows', () => {
    const contents = (): [string, string][] =>
      ofType('AWS::Connect::ContactFlow').map(([id, f]) => [id, evaluate(f.Properties['Content'], resources) as string]);
    const deployedArns = (type: string) => new Set(ofType(type).map(([id]) => (ATTRIBUTE_ARNS[type] as (id: string) => string)(id)));

    test('refer to deployed resources only: no local ARN, no placeholder left', () => {
      assert.equal(contents().length, def.flows.length);
      for (const [id, content] of contents()) {
        assert.doesNotMatch(content, /000000000000|instance\/chokutsu\//, `${id} still names a local ARN`);
        assert.doesNotMatch(content, /\$\{|PLACEHOLDER|\$Token|\[object Object\]/, `${id} holds an unresolved placeholder`);
      }
    });

    test('pass our flow check with every reference resolved against the deployed instance', () => {
      const queues = deployedArns('AWS::Connect::Queue');
      const resolver: ReferenceResolver = {
        queue: (r) => queues.has(r) || r.startsWith(`${INSTANCE}/queue/agent/`),
        hoursOfOperation: (r) => deployedArns('AWS::Connect::HoursOfOperation').has(r),
        flow: (r) => deployedArns('AWS::Connect::ContactFlow').has(r),
        prompt: (r) => deployedArns('AWS::Connect::Prompt').has(r),
        lambdaFunction: (r) => deployedArns('AWS::Lambda::Function').has(r),
      };
      for (const [id, content] of contents()) {
        const check = checkFlowText(content, { id, resolver });
        assert.deepEqual(check.problems, [], id);
        assert.ok(check.flow, id);
      }
    });

    test('set routing criteria from the ranks before the transfer: rank 1, then ranks 1–2, … the last step never expires', () => {
      const [, directLine] = contents().find(([id]) => id.startsWith('Flowdirectline')) as [string, string];
      const doc = JSON.parse(directLine) as { Actions: { Identifier: string; Type: string; Parameters: Record<string, unknown>; Transitions: { NextAction?: string; Conditions?: { NextAction: string; Condition: { Operands: string[] } }[] } }[] };
      const byId = new Map(doc.Actions.map((a) => [a.Identifier, a]));
      const select = doc.Actions.find((a) => a.Type === 'Compare' && a.Parameters['ComparisonValue'] === '$.Queue.ARN');
      assert.ok(select, 'a Compare on the working queue');
      assert.equal(select.Transitions.NextAction, 'transfer-to-queue');
      // Everything that went to the transfer now goes through the criteria.
      assert.equal(byId.get('transfer-message')?.Transitions.NextAction, select.Identifier);
      const sakura = def.queues.find((q) => q.id === 'project-sakura');
      const sakuraArn = `${INSTANCE}/queue/${ofType('AWS::Connect::Queue').find(([, q]) => q.Properties['Name'] === sakura?.name)?.[0]}`;
      const branch = select.Transitions.Conditions?.find((c) => c.Condition.Operands[0] === sakuraArn);
      assert.ok(branch, 'a branch for the さくら queue');
      const criteria = byId.get(branch.NextAction);
      assert.equal(criteria?.Type, 'UpdateRoutingCriteria');
      assert.equal(criteria?.Transitions.NextAction, 'transfer-to-queue');
      const userId = (agent: string) => ofType('AWS::Connect::User').find(([, u]) => u.Properties['Username'] === agent)?.[0];
      assert.deepEqual((criteria?.Parameters['RoutingCriteria'] as { Steps: unknown[] }).Steps, [
        { Expression: { AttributeCondition: { ComparisonOperator: 'Match', MatchCriteria: { AgentsCriteria: { AgentIds: [userId('sato')] } } } }, Expiry: { DurationInSeconds: 20 } },
        { Expression: { AttributeCondition: { ComparisonOperator: 'Match', MatchCriteria: { AgentsCriteria: { AgentIds: [userId('sato'), userId('suzuki')] } } } }, Expiry: { DurationInSeconds: 20 } },
        { Expression: { AttributeCondition: { ComparisonOperator: 'Match', MatchCriteria: { AgentsCriteria: { AgentIds: [userId('sato'), userId('suzuki'), userId('takahashi')] } } } } },
      ]);
    });
  });

  test("passes cdk-nag's AwsSolutions pack, each acknowledged finding with its reason", () => {
    const report = new AwsSolutionsChecks(synth.app).validateScope(synth.stack);
    assert.deepEqual(report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.resourceLogicalId).join(', ')}`), []);
    assert.equal(report.success, true);
    for (const finding of JUSTIFIED_FINDINGS) {
      assert.ok(finding.reason.length >= 40, `${finding.id}: a reason, not a shrug`);
      assert.ok(synth.stack.node.findAll().some((c) => finding.appliesTo(c)), `${finding.id} is acknowledged where it applies`);
    }
  });
});
