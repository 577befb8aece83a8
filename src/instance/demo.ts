// The demo company, so a newcomer can call the line right after `chokutsu init`.
// Ids match the shipped flows/direct-line.json (business-hours, general, the two Lambda ARNs).
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, isMap, isScalar, visit } from 'yaml';
import { DEFAULT_ACCOUNT, DEFAULT_INSTANCE_ID, DEFAULT_REGION, lambdaArn } from './arn.ts';
import type { HoursOfOperationConfig, InstanceDefinition, Weekday } from './types.ts';

export const DEMO_DEFINITION_FILE = 'chokutsu.yaml';

/** The flows shipped with chokutsu (flows/ at the package root), which the demo company runs. */
export const SHIPPED_FLOWS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'flows');

const WEEKDAYS: Weekday[] = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'];

export function demoDefinition(): InstanceDefinition {
  const arnParts = { awsRegion: DEFAULT_REGION, awsAccountId: DEFAULT_ACCOUNT, instanceId: DEFAULT_INSTANCE_ID };
  const businessDays: HoursOfOperationConfig[] = WEEKDAYS.map((Day) => ({
    Day,
    StartTime: { Hours: 9, Minutes: 0 },
    EndTime: { Hours: 18, Minutes: 0 },
  }));
  const queueDefaults = { hoursOfOperation: 'business-hours', ringTimeoutSeconds: 20, maxWaitSeconds: 300 };
  return {
    name: '株式会社サンプル工務店',
    ...arnParts,
    timeZone: 'Asia/Tokyo',
    language: 'ja-JP',
    phoneNumbers: [{ number: '+81501234567', flow: 'direct-line' }],
    hoursOfOperation: [{ id: 'business-hours', name: '営業時間（平日 9:00–18:00）', config: businessDays }],
    routingProfiles: [{ id: 'default', name: '標準', afterContactWorkTimeoutSeconds: 30 }],
    agents: [
      { id: 'sato', name: '佐藤 花子', username: 'sato', routingProfile: 'default', extension: '201' },
      { id: 'suzuki', name: '鈴木 一郎', username: 'suzuki', routingProfile: 'default', extension: '202' },
      { id: 'takahashi', name: '高橋 美咲', username: 'takahashi', routingProfile: 'default', extension: '203' },
      { id: 'tanaka', name: '田中 健太', username: 'tanaka', routingProfile: 'default', extension: '204' },
    ],
    queues: [
      {
        id: 'project-sakura',
        name: 'さくら邸リフォーム',
        description: 'さくら様邸の全面リフォーム',
        ...queueDefaults,
        agents: [
          { agent: 'sato', rank: 1 },
          { agent: 'suzuki', rank: 2 },
          { agent: 'takahashi', rank: 3 },
        ],
      },
      {
        id: 'project-fuji',
        name: '富士ビル改修',
        description: '富士ビルの外壁・設備改修',
        ...queueDefaults,
        agents: [
          { agent: 'tanaka', rank: 1 },
          { agent: 'takahashi', rank: 2 },
          { agent: 'sato', rank: 3 },
        ],
      },
      {
        id: 'general',
        name: '総合窓口',
        description: 'お客様番号が分からない方、その他のお問い合わせ',
        ...queueDefaults,
        agents: [
          { agent: 'suzuki', rank: 1 },
          { agent: 'sato', rank: 2 },
          { agent: 'takahashi', rank: 3 },
          { agent: 'tanaka', rank: 4 },
        ],
      },
    ],
    prompts: [],
    functions: [
      { arn: lambdaArn(arnParts, 'chokutsu-holiday-check'), handler: 'holiday-check', timeoutSeconds: 3 },
      { arn: lambdaArn(arnParts, 'chokutsu-customer-lookup'), handler: 'customer-lookup', timeoutSeconds: 3 },
    ],
    flows: [
      { id: 'direct-line', name: 'direct-line', file: 'flows/direct-line.json', type: 'CONTACT_FLOW' },
      { id: 'customer-queue', name: 'customer-queue', file: 'flows/customer-queue.json', type: 'CUSTOMER_QUEUE' },
    ],
    closures: [
      { from: '12-29', to: '01-03', name: '年末年始休業' },
      { from: '08-13', to: '08-15', name: '夏季休業' },
    ],
    holidays: {},
    rates: { currency: 'USD', inboundPerMinute: 0.0056, voiceServicePerMinute: 0.018, selfHostedMonthly: 20 },
    telephony: {
      sip: { host: '127.0.0.1', port: 5060, realm: 'chokutsu' },
      rtp: { portMin: 10000, portMax: 10999 },
      trunks: [{ name: 'this machine (test calls)', addresses: ['127.0.0.1'] }],
      tts: { engine: 'espeak-ng' },
    },
  };
}

export interface DemoCustomer {
  customerNumber: string;
  name: string;
  /** Queue id. */
  queue: string;
}

export function demoCustomers(): DemoCustomer[] {
  return [
    { customerNumber: '1001', name: 'さくら 太郎', queue: 'project-sakura' },
    { customerNumber: '1002', name: '富士不動産株式会社', queue: 'project-fuji' },
    { customerNumber: '1003', name: 'さくら 春子', queue: 'project-sakura' },
  ];
}

const HEADER = [
  ' chokutsu instance definition: the demo company.',
  ' Edit names, agents, queues and ranks to make it yours; `chokutsu start` validates it on load.',
  ' Ids are used in ARNs (flows/direct-line.json refers to business-hours, general and the two functions).',
].join('\n');

/**
 * Writes <dataDir>/chokutsu.yaml and <dataDir>/flows/direct-line.json (copied from flowsDir).
 * An existing chokutsu.yaml is left alone unless force; then nothing is written.
 */
export function writeDemoInstance(dataDir: string, options: { force: boolean; flowsDir: string }): { file: string; written: boolean } {
  const file = join(dataDir, DEMO_DEFINITION_FILE);
  if (existsSync(file) && !options.force) return { file, written: false };
  mkdirSync(join(dataDir, 'flows'), { recursive: true });
  for (const flow of ['direct-line.json', 'customer-queue.json']) copyFileSync(join(options.flowsDir, flow), join(dataDir, 'flows', flow));
  const doc = new Document(demoDefinition());
  doc.commentBefore = HEADER;
  // `StartTime: { Hours: 9, Minutes: 0 }` on one line keeps the hours readable.
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && (pair.key.value === 'StartTime' || pair.key.value === 'EndTime') && isMap(pair.value)) {
        pair.value.flow = true;
      }
    },
  });
  writeFileSync(file, doc.toString({ lineWidth: 0 }));
  return { file, written: true };
}
