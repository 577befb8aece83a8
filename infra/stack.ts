// The instance definition deployed to Amazon Connect: one stack with the Connect instance (or an
// existing one), its hours, queues, routing profiles, users, prompts and flows, the two functions on
// Lambda with the DynamoDB customer table, and the S3 bucket for recordings. Connect L1 constructs
// (AWS::Connect::*) throughout: their property names are CloudFormation's.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CfnOutput, Duration, Fn, RemovalPolicy, SecretValue, Stack, type StackProps,
} from 'aws-cdk-lib';
import * as connect from 'aws-cdk-lib/aws-connect';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ENV } from '../src/functions/aws/env.ts';
import { CUSTOMER_TABLE_KEY } from '../src/functions/dynamodb-customers.ts';
import type { LoadedInstance } from '../src/instance/load.ts';
import type { InstanceDefinition } from '../src/instance/types.ts';
import type { BundledFunction } from './bundle.ts';
import { deployFlowDocument, type DeployedRefs } from './flows.ts';
import { deployTestCase, testCaseFiles } from './test-cases.ts';

export interface ChokutsuStackProps extends StackProps {
  instance: LoadedInstance;
  /** The functions, bundled (infra/bundle.ts). */
  functions: BundledFunction[];
  /** Deploy into this existing Connect instance instead of creating one. */
  existingInstanceArn?: string;
  /** The new instance's alias (its sign-in URL: https://<alias>.my.connect.aws); the definition's instanceId by default. */
  instanceAlias?: string;
  /** Claim a Japanese DID for the line's first flow: 050 or 03 numbers. */
  phoneNumber?: { prefix: '+8150' | '+813' };
  /** The direct line's test cases (Testing language JSON files) to deploy as AWS::Connect::TestCase. */
  testCasesDir?: string;
  /** SAVED (default: stored, not validated by Connect) or PUBLISHED (Connect validates the content at deploy). */
  testCaseStatus?: 'SAVED' | 'PUBLISHED';
}

/** The resources a flow refers to, by the definition's ids. */
interface Deployed {
  instanceArn: string;
  hours: Map<string, connect.CfnHoursOfOperation>;
  queues: Map<string, connect.CfnQueue>;
  users: Map<string, connect.CfnUser>;
  prompts: Map<string, connect.CfnPrompt>;
  functions: Map<string, lambda.Function>;
  flows: Map<string, connect.CfnContactFlow>;
}

export class ChokutsuStack extends Stack {
  readonly instanceArn: string;
  readonly customerTable: dynamodb.Table;
  readonly recordings: s3.Bucket;
  readonly functions: Map<string, lambda.Function>;
  readonly flows: Map<string, connect.CfnContactFlow>;
  readonly testCases = new Map<string, connect.CfnTestCase>();

  constructor(scope: Construct, id: string, props: ChokutsuStackProps) {
    super(scope, id, props);
    const def = props.instance.definition;
    this.instanceArn = props.existingInstanceArn ?? this.createInstance(def, props.instanceAlias).attrArn;
    const instanceArn = this.instanceArn;

    this.recordings = this.recordingsBucket(def);
    new connect.CfnInstanceStorageConfig(this, 'CallRecordingsStorage', {
      instanceArn,
      resourceType: 'CALL_RECORDINGS',
      storageType: 'S3',
      s3Config: { bucketName: this.recordings.bucketName, bucketPrefix: 'recordings' },
    });

    const hours = new Map(def.hoursOfOperation.map((h) => [h.id, new connect.CfnHoursOfOperation(this, `Hours-${h.id}`, {
      instanceArn,
      name: h.name,
      timeZone: h.timeZone ?? def.timeZone,
      config: h.config.map((c) => ({
        day: c.Day,
        startTime: { hours: c.StartTime.Hours, minutes: c.StartTime.Minutes },
        endTime: { hours: c.EndTime.Hours, minutes: c.EndTime.Minutes },
      })),
    })] as const));

    const queues = new Map(def.queues.map((q) => [q.id, new connect.CfnQueue(this, `Queue-${q.id}`, {
      instanceArn,
      name: q.name,
      ...(q.description !== undefined ? { description: q.description } : {}),
      hoursOfOperationArn: (hours.get(q.hoursOfOperation) as connect.CfnHoursOfOperation).attrHoursOfOperationArn,
      ...(q.maxContacts !== undefined ? { maxContacts: q.maxContacts } : {}),
    })] as const));

    const users = this.createUsers(def, instanceArn, queues);
    this.customerTable = new dynamodb.Table(this, 'Customers', {
      partitionKey: { name: CUSTOMER_TABLE_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.functions = this.createFunctions(def, props.functions, instanceArn, queues);
    const prompts = this.createPrompts(props.instance, instanceArn);
    this.flows = new Map();
    const deployed: Deployed = { instanceArn, hours, queues, users, prompts, functions: this.functions, flows: this.flows };
    const refs = this.createFlows(props.instance, deployed);
    if (props.testCasesDir !== undefined) this.createTestCases(props.instance, instanceArn, refs, props.testCasesDir, props.testCaseStatus ?? 'SAVED');

    if (props.phoneNumber) this.claimNumber(def, props.phoneNumber.prefix, instanceArn);
    new CfnOutput(this, 'InstanceArn', { value: instanceArn });
    new CfnOutput(this, 'CustomerTableName', { value: this.customerTable.tableName, description: 'chokutsu export --to dynamodb --table <this>' });
    new CfnOutput(this, 'RecordingsBucketName', { value: this.recordings.bucketName });
  }

  private createInstance(def: InstanceDefinition, alias: string | undefined): connect.CfnInstance {
    return new connect.CfnInstance(this, 'Instance', {
      identityManagementType: 'CONNECT_MANAGED',
      instanceAlias: alias ?? def.instanceId ?? 'chokutsu',
      attributes: { inboundCalls: true, outboundCalls: false, contactflowLogs: true, contactLens: false },
    });
  }

  /** Encrypted, never public, TLS only, access-logged; recordings expire after recordings.retentionDays. */
  private recordingsBucket(def: InstanceDefinition): s3.Bucket {
    const accessLogs = new s3.Bucket(this, 'RecordingsAccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const retention = def.recordings?.retentionDays;
    return new s3.Bucket(this, 'Recordings', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: false,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'recordings/',
      ...(retention !== undefined ? { lifecycleRules: [{ id: 'recordings-retention', expiration: Duration.days(retention) }] } : {}),
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * One routing profile per definition profile, each answering every queue (voice, one contact at a
   * time); the ranks decide who is offered what (infra/flows.ts). Users sign in with a generated
   * password kept in Secrets Manager, never in the template.
   */
  private createUsers(
    def: InstanceDefinition, instanceArn: string, queues: Map<string, connect.CfnQueue>,
  ): Map<string, connect.CfnUser> {
    const queueConfigs = [...queues.values()].map((q) => ({
      delay: 0, priority: 1, queueReference: { channel: 'VOICE', queueArn: q.attrQueueArn },
    }));
    const firstQueue = [...queues.values()][0];
    const profiles = new Map(def.routingProfiles.map((p) => [p.id, new connect.CfnRoutingProfile(this, `RoutingProfile-${p.id}`, {
      instanceArn,
      name: p.name,
      description: p.name,
      defaultOutboundQueueArn: firstQueue?.attrQueueArn ?? '',
      mediaConcurrencies: [{ channel: 'VOICE', concurrency: 1 }],
      queueConfigs,
    })] as const));
    const agentProfile = new connect.CfnSecurityProfile(this, 'AgentSecurityProfile', {
      instanceArn,
      securityProfileName: 'chokutsu-agent',
      description: 'Agents of the direct line: the Contact Control Panel only',
      permissions: ['BasicAgentAccess'],
    });
    return new Map(def.agents.map((a) => {
      const profileId = a.routingProfile ?? def.routingProfiles[0]?.id;
      const profile = profileId !== undefined ? profiles.get(profileId) : undefined;
      if (profile === undefined) throw new Error(`agent ${a.id}: no routing profile to deploy with (add one to routingProfiles)`);
      const acw = def.routingProfiles.find((p) => p.id === profileId)?.afterContactWorkTimeoutSeconds ?? 0;
      const password = new secretsmanager.Secret(this, `Password-${a.id}`, {
        description: `Initial Amazon Connect password of ${a.username}`,
        generateSecretString: { passwordLength: 24, excludePunctuation: true, requireEachIncludedType: true },
      });
      const [firstName, ...rest] = a.name.split(/\s+/);
      return [a.id, new connect.CfnUser(this, `User-${a.id}`, {
        instanceArn,
        username: a.username,
        password: SecretValue.secretsManager(password.secretArn).unsafeUnwrap(),
        identityInfo: { firstName: firstName ?? a.name, lastName: rest.join(' ') || (firstName ?? a.name) },
        phoneConfig: { phoneType: 'SOFT_PHONE', afterContactWorkTimeLimit: acw, autoAccept: false },
        routingProfileArn: profile.attrRoutingProfileArn,
        securityProfileArns: [agentProfile.attrSecurityProfileArn],
      })] as const;
    }));
  }

  private createFunctions(
    def: InstanceDefinition, bundled: BundledFunction[], instanceArn: string, queues: Map<string, connect.CfnQueue>,
  ): Map<string, lambda.Function> {
    const deployedQueues = def.queues.map((q) => ({ id: q.id, name: q.name, arn: (queues.get(q.id) as connect.CfnQueue).attrQueueArn }));
    const functions = new Map<string, lambda.Function>();
    for (const b of bundled) {
      const logGroup = new logs.LogGroup(this, `Logs-${b.name}`, { retention: logs.RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
      // Its own role: writing its log group, and (the lookup) reading its table — nothing else.
      const role = new iam.Role(this, `Role-${b.name}`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      const environment: Record<string, string> = { [ENV.timeZone]: def.timeZone };
      if (b.mapping.handler === 'customer-lookup') {
        environment[ENV.customerTable] = this.customerTable.tableName;
        environment[ENV.queues] = this.toJsonString(deployedQueues);
      }
      if (b.mapping.handler === 'holiday-check') environment[ENV.closures] = JSON.stringify(def.closures);
      const fn = new lambda.Function(this, `Function-${b.name}`, {
        functionName: b.name,
        runtime: lambda.Runtime.NODEJS_24_X,
        architecture: lambda.Architecture.ARM_64,
        handler: 'index.handler',
        code: lambda.Code.fromAsset(b.dir),
        // Connect waits at most the block's time limit (1–8 s); the function must end before it.
        timeout: Duration.seconds(b.mapping.timeoutSeconds ?? 3),
        memorySize: 256,
        role,
        logGroup,
        environment,
      });
      logGroup.grantWrite(role);
      if (b.mapping.handler === 'customer-lookup') this.customerTable.grant(fn, 'dynamodb:GetItem');
      // Only this instance may invoke it (the flow's InvokeLambdaFunction), and only from this account.
      fn.addPermission('InvokeFromConnect', {
        principal: new iam.ServicePrincipal('connect.amazonaws.com'),
        sourceArn: instanceArn,
        sourceAccount: this.account,
        action: 'lambda:InvokeFunction',
      });
      new connect.CfnIntegrationAssociation(this, `Integration-${b.name}`, {
        instanceId: instanceArn,
        integrationType: 'LAMBDA_FUNCTION',
        integrationArn: fn.functionArn,
      });
      functions.set(b.mapping.arn, fn);
    }
    return functions;
  }

  /**
   * A prompt with a WAV file becomes an AWS::Connect::Prompt from an S3 asset (Connect copies the
   * audio when it creates the prompt). A text prompt needs no audio: the flow speaks its text with
   * Connect's text-to-speech (infra/flows.ts writes it into the block's Text).
   */
  private createPrompts(instance: LoadedInstance, instanceArn: string): Map<string, connect.CfnPrompt> {
    const prompts = new Map<string, connect.CfnPrompt>();
    for (const p of instance.definition.prompts) {
      if (p.file === undefined) continue;
      const audio = new Asset(this, `PromptAudio-${p.id}`, { path: resolve(instance.dir, p.file) });
      prompts.set(p.id, new connect.CfnPrompt(this, `Prompt-${p.id}`, {
        instanceArn, name: p.name, s3Uri: audio.s3ObjectUrl,
      }));
    }
    return prompts;
  }

  private createFlows(instance: LoadedInstance, deployed: Deployed): DeployedRefs {
    const def = instance.definition;
    const refs: DeployedRefs = {
      queueArn: (id) => (deployed.queues.get(id) as connect.CfnQueue).attrQueueArn,
      agentQueueArn: (agentId) => `${deployed.instanceArn}/queue/agent/${refs.userId(agentId)}`,
      // arn:aws:connect:<region>:<account>:instance/<instance id>/agent/<user id>
      userId: (agentId) => Fn.select(3, Fn.split('/', (deployed.users.get(agentId) as connect.CfnUser).attrUserArn)),
      hoursArn: (id) => (deployed.hours.get(id) as connect.CfnHoursOfOperation).attrHoursOfOperationArn,
      flowArn: (id) => {
        const flow = deployed.flows.get(id);
        if (flow === undefined) throw new Error(`flow ${id} is referred to before it is deployed: list it earlier in flows`);
        return flow.attrContactFlowArn;
      },
      promptArn: (id) => {
        const prompt = deployed.prompts.get(id);
        if (prompt === undefined) throw new Error(`prompt ${id} has no audio file to deploy`);
        return prompt.attrPromptArn;
      },
      lambdaArn: (arn) => (deployed.functions.get(arn) as lambda.Function).functionArn,
    };
    // Flows other flows refer to (customer queue, hold, whisper) first, so their ARNs exist.
    const order = [...def.flows].sort((a, b) => Number((a.type ?? 'CONTACT_FLOW') === 'CONTACT_FLOW') - Number((b.type ?? 'CONTACT_FLOW') === 'CONTACT_FLOW'));
    for (const ref of order) {
      // A module is another resource in Connect (AWS::Connect::ContactFlowModule), not deployed from here yet.
      if (ref.type === 'module') throw new Error(`flow ${ref.id} is a flow module: deploying modules is not supported yet`);
      const doc = JSON.parse(readFileSync(resolve(instance.dir, ref.file), 'utf8'));
      const content = deployFlowDocument(ref.id, doc, def, refs);
      deployed.flows.set(ref.id, new connect.CfnContactFlow(this, `Flow-${ref.id}`, {
        instanceArn: deployed.instanceArn,
        name: ref.name,
        type: ref.type ?? 'CONTACT_FLOW',
        content: this.toJsonString(content),
        state: 'ACTIVE',
      }));
    }
    return refs;
  }

  /**
   * One AWS::Connect::TestCase per file (infra/test-cases.ts): Content as the JSON string Connect
   * takes, the entry point the deployed flow (its id, from the flow's ARN) instead of the local number.
   */
  private createTestCases(instance: LoadedInstance, instanceArn: string, refs: DeployedRefs, dir: string, status: 'SAVED' | 'PUBLISHED'): void {
    for (const file of testCaseFiles(resolve(instance.dir, dir))) {
      const tc = deployTestCase(file, readFileSync(file, 'utf8'), instance.definition, refs);
      const flow = this.flows.get(tc.flowId) as connect.CfnContactFlow;
      this.testCases.set(tc.key, new connect.CfnTestCase(this, `TestCase-${tc.key}`, {
        instanceArn,
        name: tc.name,
        ...(tc.description !== undefined ? { description: tc.description } : {}),
        content: this.toJsonString(tc.content),
        entryPoint: {
          type: 'VOICE_CALL',
          voiceCallEntryPointParameters: {
            // arn:aws:connect:<region>:<account>:instance/<instance id>/contact-flow/<flow id>
            flowId: Fn.select(1, Fn.split('contact-flow/', flow.attrContactFlowArn)),
            ...(tc.sourcePhoneNumber !== undefined ? { sourcePhoneNumber: tc.sourcePhoneNumber } : {}),
          },
        },
        status,
      }));
    }
  }

  /** A Japanese DID claimed to the instance. Connect asks for business documents for Japanese numbers (docs/deploy.md). */
  private claimNumber(def: InstanceDefinition, prefix: string, instanceArn: string): void {
    const number = new connect.CfnPhoneNumber(this, 'PhoneNumber', {
      targetArn: instanceArn, countryCode: 'JP', type: 'DID', prefix, description: `${def.name}: direct line`,
    });
    const entry = def.phoneNumbers[0]?.flow;
    const flow = entry !== undefined ? this.flows.get(def.flows.find((f) => f.id === entry || f.name === entry)?.id ?? '') : undefined;
    new CfnOutput(this, 'PhoneNumberAddress', { value: number.attrAddress });
    if (flow) {
      new CfnOutput(this, 'AssociateNumberCommand', {
        description: 'CloudFormation cannot attach a number to a flow: run this once after the first deploy',
        value: Fn.join('', [
          'aws connect associate-phone-number-contact-flow --phone-number-id ', Fn.select(1, Fn.split('phone-number/', number.attrPhoneNumberArn)),
          ' --instance-id ', instanceArn, ' --contact-flow-id ', flow.attrContactFlowArn,
        ]),
      });
    }
  }
}
