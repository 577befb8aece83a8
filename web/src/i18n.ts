// Japanese and English; Japanese unless the user chose English (kept in this browser).
import { store, useStore } from './store.ts';

export type Lang = 'ja' | 'en';

const saved = (() => {
  try {
    return localStorage.getItem('chokutsu.lang');
  } catch {
    return null;
  }
})();

export const lang = store<Lang>(saved === 'en' ? 'en' : 'ja');
lang.subscribe((l) => {
  document.documentElement.lang = l;
  try {
    localStorage.setItem('chokutsu.lang', l);
  } catch {
    // private mode: the choice lasts this page
  }
});
document.documentElement.lang = lang.get();

/** [Japanese, English]; `{name}` is replaced by the value given. */
const M = {
  appName: ['直通', 'chokutsu'],
  language: ['言語', 'Language'],
  logIn: ['ログイン', 'Log in'],
  logOut: ['ログアウト', 'Log out'],
  username: ['ユーザー名', 'Username'],
  password: ['パスワード', 'Password'],
  loginFailed: ['ログインできませんでした: {error}', 'Could not log in: {error}'],
  demoHint: ['デモのログイン情報は data/demo-users.txt にあります。', 'Demo logins are in data/demo-users.txt.'],
  // navigation
  navDesktop: ['エージェント', 'Agent desktop'],
  navPhone: ['テスト電話', 'Test phone'],
  navWallboard: ['リアルタイム', 'Wallboard'],
  navContacts: ['コンタクト検索', 'Contacts'],
  navMetrics: ['履歴メトリクス', 'Historical metrics'],
  navCost: ['月次コスト', 'Monthly cost'],
  navCustomers: ['顧客', 'Customers'],
  navUsers: ['ユーザー', 'Users'],
  navQueues: ['キューと順位', 'Queues & ranks'],
  navHours: ['営業時間', 'Hours'],
  navHolidays: ['祝日・休業日', 'Holidays & closures'],
  navPrompts: ['プロンプト', 'Prompts'],
  navFlows: ['フロー', 'Flows'],
  groupSupervisor: ['スーパーバイザー', 'Supervisor'],
  groupAdmin: ['管理', 'Admin'],
  // connection
  connConnecting: ['リアルタイム更新に接続中…', 'Connecting to live updates…'],
  connReconnecting: ['リアルタイム更新が切断されました。{s} 秒後に再接続します（{n} 回目）', 'Live updates lost. Reconnecting in {s} s (attempt {n})'],
  connOpen: ['リアルタイム更新中', 'Live'],
  // common
  loading: ['読み込み中…', 'Loading…'],
  error: ['エラー: {error}', 'Error: {error}'],
  save: ['保存', 'Save'],
  saved: ['保存しました', 'Saved'],
  cancel: ['キャンセル', 'Cancel'],
  edit: ['編集', 'Edit'],
  delete: ['削除', 'Delete'],
  add: ['追加', 'Add'],
  search: ['検索', 'Search'],
  clear: ['クリア', 'Clear'],
  next: ['次へ', 'Next'],
  previous: ['前へ', 'Previous'],
  none: ['なし', 'none'],
  all: ['すべて', 'All'],
  noRows: ['該当なし', 'Nothing to show'],
  confirmDelete: ['{what} を削除しますか？', 'Delete {what}?'],
  // statuses
  'status.Available': ['受付可', 'Available'],
  'status.Offline': ['オフライン', 'Offline'],
  'status.Break': ['休憩', 'Break'],
  'status.Lunch': ['昼食', 'Lunch'],
  'status.Ringing': ['着信中', 'Ringing'],
  'status.OnContact': ['通話中', 'On contact'],
  'status.AfterContactWork': ['後処理', 'After contact work'],
  'status.Missed': ['不在着信', 'Missed'],
  'status.Custom': ['その他', 'Custom'],
  // agent desktop
  myStatus: ['ステータス', 'Status'],
  inStateFor: ['{d} 経過', 'for {d}'],
  notAnAgent: ['このユーザーはエージェントとして登録されていません。', 'This user does not work as an agent.'],
  incoming: ['着信', 'Incoming contact'],
  customerNumber: ['お客様番号', 'Customer number'],
  customerName: ['お客様名', 'Customer name'],
  project: ['案件', 'Project'],
  queue: ['キュー', 'Queue'],
  callerNumber: ['発信者番号', 'Caller number'],
  dialedNumber: ['着信番号', 'Dialed number'],
  waited: ['待ち時間', 'Waited'],
  ringsFor: ['あと {s} 秒鳴ります', 'Rings for {s} more s'],
  answer: ['応答', 'Answer'],
  decline: ['拒否', 'Decline'],
  hangUp: ['切断', 'Hang up'],
  onContact: ['通話中', 'On contact'],
  connectedAt: ['接続', 'Connected'],
  acw: ['後処理 (ACW)', 'After contact work'],
  acwNotes: ['メモ', 'Notes'],
  acwEndsIn: ['残り {d}', '{d} left'],
  acwNoTimeout: ['時間制限なし', 'No time limit'],
  finishAcw: ['後処理を終了', 'Finish after contact work'],
  todaysContacts: ['本日のコンタクト', "Today's contacts"],
  waitingForContacts: ['着信待ち', 'Waiting for contacts'],
  notRoutable: ['受付可にすると着信します', 'Set Available to receive contacts'],
  // softphone
  softphone: ['ソフトフォン', 'Softphone'],
  phoneNotPlugged: ['ブラウザ電話モジュールが未接続です。音声はデスクの電話で。応答・拒否・切断は上のボタンで行えます。', 'No browser phone module is plugged in: audio goes to your desk phone. Answer, decline and hang up work with the buttons above.'],
  mute: ['ミュート', 'Mute'],
  unmute: ['ミュート解除', 'Unmute'],
  hold: ['保留', 'Hold'],
  unhold: ['保留解除', 'Resume'],
  keypad: ['キーパッド', 'Keypad'],
  microphone: ['マイク', 'Microphone'],
  micDefault: ['既定のマイク', 'Default microphone'],
  micRefused: ['マイクの使用が許可されていません。ブラウザのアドレスバーのアイコンから許可してください。', 'The microphone was refused. Allow it from the icon in the address bar, then try again.'],
  phoneState: ['電話の状態: {s}', 'Phone: {s}'],
  // test phone
  testPhoneIntro: ['ブラウザから回線に発信します（模擬発信者: 音声はテキストで表示）。', "Call the line from the browser (a simulated caller: what it hears is shown as text)."],
  lineNumber: ['発信先（回線の番号）', 'Number to call (the line)'],
  fromNumber: ['発信元の番号', 'Calling from'],
  keysToSend: ['押すキー', 'Keys'],
  dial: ['発信', 'Call'],
  callStatus: ['状態', 'Status'],
  heard: ['聞こえた内容', 'What was heard'],
  'phase.flow': ['フロー実行中', 'In the flow'],
  'phase.queued': ['キューで待機中', 'Waiting in queue'],
  'phase.ringing': ['エージェント呼出中', 'Ringing an agent'],
  'phase.connected': ['通話中', 'Connected'],
  'phase.ended': ['終了', 'Ended'],
  'phase.idle': ['待機', 'Idle'],
  'heard.prompt': ['案内', 'Prompt'],
  'heard.hold': ['保留', 'Hold'],
  'heard.connected': ['接続', 'Connected'],
  'heard.hangup': ['切断', 'Hung up'],
  'heard.recording': ['録音', 'Recording'],
  audioLater: ['音声（WebRTC）はブラウザ電話モジュールが接続されると使えます。', 'Audio (WebRTC) comes with the browser phone module.'],
  // wallboard
  queues: ['キュー', 'Queues'],
  contactsWaiting: ['待ち件数', 'Waiting'],
  oldestWait: ['最長待ち時間', 'Oldest wait'],
  agents: ['エージェント', 'Agents'],
  agentsByState: ['状態別エージェント数', 'Agents by state'],
  agent: ['エージェント', 'Agent'],
  state: ['状態', 'State'],
  timeInState: ['経過時間', 'Time in state'],
  contact: ['コンタクト', 'Contact'],
  updatedAt: ['更新 {t}', 'Updated {t}'],
  // contacts
  from: ['開始', 'From'],
  to: ['終了', 'To'],
  customer: ['お客様番号', 'Customer'],
  caller: ['発信者番号', 'Caller'],
  minDuration: ['最短通話秒数', 'Min duration (s)'],
  maxDuration: ['最長通話秒数', 'Max duration (s)'],
  reason: ['切断理由', 'Disconnect reason'],
  pageSize: ['件数/ページ', 'Per page'],
  initiated: ['開始時刻', 'Started'],
  duration: ['通話時間', 'Duration'],
  pageN: ['{n} ページ目', 'Page {n}'],
  contactDetail: ['コンタクト詳細', 'Contact'],
  backToSearch: ['検索に戻る', 'Back to search'],
  timestamps: ['タイムスタンプ', 'Timestamps'],
  enqueued: ['キュー投入', 'Enqueued'],
  offered: ['呼出', 'Offered'],
  connected: ['接続', 'Connected'],
  disconnected: ['切断', 'Disconnected'],
  acwEnded: ['後処理終了', 'After contact work ended'],
  durations: ['時間', 'Durations'],
  queueDuration: ['キュー待ち', 'In queue'],
  ringDuration: ['呼出', 'Ringing'],
  talkDuration: ['通話', 'Talk'],
  holdDuration: ['保留', 'Hold'],
  acwDuration: ['後処理', 'After contact work'],
  totalDuration: ['合計', 'Total'],
  flowPath: ['通ったフロー', 'Flow path'],
  offers: ['エージェント呼出', 'Offers'],
  outcome: ['結果', 'Outcome'],
  'outcome.Accepted': ['応答', 'Accepted'],
  'outcome.Declined': ['拒否', 'Declined'],
  'outcome.RingTimeout': ['不在（呼出タイムアウト）', 'Missed (ring timeout)'],
  'outcome.Abandoned': ['放棄', 'Abandoned'],
  'outcome.Withdrawn': ['取り下げ', 'Withdrawn'],
  attributes: ['属性', 'Attributes'],
  recording: ['録音', 'Recording'],
  noRecording: ['録音なし', 'Not recorded'],
  loadRecording: ['録音を読み込む', 'Load recording'],
  cost: ['コスト', 'Cost'],
  notes: ['メモ', 'Notes'],
  // metrics
  period: ['期間', 'Period'],
  serviceLevelSeconds: ['サービスレベル閾値（秒）', 'Service level threshold (s)'],
  show: ['表示', 'Show'],
  serviceLevel: ['サービスレベル', 'Service level'],
  abandonmentRate: ['放棄率', 'Abandonment rate'],
  asa: ['平均応答速度', 'Average speed of answer'],
  aht: ['平均処理時間', 'Average handle time'],
  contactsPerAgent: ['エージェント別処理件数', 'Contacts per agent'],
  byDay: ['日別', 'By day'],
  byQueue: ['キュー別', 'By queue'],
  byAgent: ['エージェント別', 'By agent'],
  offeredN: ['着信', 'Offered'],
  handled: ['処理', 'Handled'],
  abandoned: ['放棄', 'Abandoned'],
  missed: ['不在', 'Missed'],
  occupancy: ['稼働率', 'Occupancy'],
  seconds: ['秒', 's'],
  // cost
  month: ['月', 'Month'],
  contacts: ['件数', 'Contacts'],
  billedMinutes: ['課金分数', 'Billed minutes'],
  connectCost: ['Amazon Connect 料金', 'Amazon Connect cost'],
  selfHosted: ['自前運用（月額）', 'Self-hosted (monthly)'],
  total: ['合計', 'Total'],
  // admin: customers
  searchCustomers: ['番号・名前で検索', 'Search number or name'],
  name: ['名前', 'Name'],
  importCsv: ['CSV 取り込み', 'Import CSV'],
  exportCsv: ['CSV 書き出し', 'Export CSV'],
  importing: ['取り込み中 {done}/{total} 行', 'Importing {done}/{total} rows'],
  imported: ['{inserted} 件追加、{updated} 件更新', '{inserted} added, {updated} updated'],
  importProblems: ['次の行は取り込まれませんでした', 'These rows were not imported'],
  line: ['行', 'Line'],
  column: ['列', 'Column'],
  problem: ['問題', 'Problem'],
  chunkNote: ['{n} 行ずつ送信します。問題のある塊は丸ごと取り込まれません。', 'Sent {n} rows at a time; a chunk with a problem imports nothing.'],
  // admin: users
  role: ['ロール', 'Role'],
  'role.admin': ['管理者', 'Admin'],
  'role.supervisor': ['スーパーバイザー', 'Supervisor'],
  'role.agent': ['エージェント', 'Agent'],
  addUser: ['ユーザーを追加', 'Add a user'],
  agentId: ['エージェント', 'Works as agent'],
  // admin: queues
  rank: ['順位', 'Rank'],
  moveUp: ['上へ', 'Move up'],
  moveDown: ['下へ', 'Move down'],
  dragHint: ['ドラッグまたは上下ボタンで並べ替え、保存してください。1 位がこの案件に最も詳しい人です。', 'Drag or use the buttons to reorder, then save. Rank 1 knows the project best.'],
  unsaved: ['未保存の変更があります', 'Unsaved changes'],
  // admin: hours, holidays
  weekday: ['曜日', 'Weekday'],
  open: ['営業', 'Open'],
  closed: ['休業', 'Closed'],
  timeZone: ['タイムゾーン', 'Time zone'],
  'day.MONDAY': ['月曜日', 'Monday'],
  'day.TUESDAY': ['火曜日', 'Tuesday'],
  'day.WEDNESDAY': ['水曜日', 'Wednesday'],
  'day.THURSDAY': ['木曜日', 'Thursday'],
  'day.FRIDAY': ['金曜日', 'Friday'],
  'day.SATURDAY': ['土曜日', 'Saturday'],
  'day.SUNDAY': ['日曜日', 'Sunday'],
  hoursReadOnly: ['営業時間はインスタンス定義 (chokutsu.yaml) で編集します。', 'Hours are edited in the instance definition (chokutsu.yaml).'],
  year: ['年', 'Year'],
  publicHolidays: ['祝日（自動計算）', 'Public holidays (computed)'],
  closures: ['会社の休業日', 'Company closures'],
  date: ['日付', 'Date'],
  closureFromTo: ['YYYY-MM-DD（その年のみ）または MM-DD（毎年）', 'YYYY-MM-DD (once) or MM-DD (every year)'],
  source: ['設定元', 'Source'],
  // admin: prompts, flows
  text: ['テキスト', 'Text'],
  file: ['ファイル', 'File'],
  noPrompts: ['プロンプトは定義されていません（フローのテキストを音声合成で読み上げます）。', 'No prompts are defined (flows speak their texts with text-to-speech).'],
  promptsLater: ['WAV のアップロードと音声合成の試聴はまだありません。', 'Uploading WAV files and previewing text-to-speech are not here yet.'],
  type: ['種類', 'Type'],
  view: ['表示', 'View'],
  checkFlow: ['フローファイルを検査', 'Check a flow file'],
  flowOk: ['問題なし: このフローは実行できます', 'No errors: this flow can run'],
  flowErrors: ['このフローには問題があります', 'This flow has problems'],
  severity: ['重大度', 'Severity'],
  action: ['アクション', 'Action'],
  path: ['パス', 'Path'],
  message: ['内容', 'Message'],
  flowUploadLater: ['検査したフローを回線に反映する機能はまだありません。', 'Putting a checked flow on the line is not here yet.'],
  start: ['開始', 'Start'],
  'reason.CUSTOMER_DISCONNECT': ['お客様が切断', 'Customer hung up'],
  'reason.AGENT_DISCONNECT': ['エージェントが切断', 'Agent hung up'],
  'reason.ABANDONED_IN_QUEUE': ['キューで放棄', 'Abandoned in queue'],
  'reason.AFTER_HOURS': ['営業時間外', 'After hours'],
  'reason.HOLIDAY': ['休日', 'Holiday'],
  'reason.CUSTOMER_NOT_FOUND': ['お客様番号なし', 'Customer not found'],
  'reason.QUEUE_AT_CAPACITY': ['キュー満杯', 'Queue at capacity'],
  'reason.QUEUE_TIMEOUT': ['キュー待ち時間超過', 'Queue timeout'],
  'reason.FLOW_ERROR': ['フローエラー', 'Flow error'],
  'reason.FLOW_DISCONNECT': ['フローが切断', 'Flow disconnected'],
} as const satisfies Record<string, readonly [string, string]>;

export type MessageKey = keyof typeof M;

export function translate(l: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text: string = M[key][l === 'ja' ? 0 : 1];
  return text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
}

/** A translation for status/phase/outcome values the API sends; the value itself when unknown. */
export function translateValue(l: Lang, prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return key in M ? translate(l, key as MessageKey) : value;
}

export function useT(): { t: (key: MessageKey, vars?: Record<string, string | number>) => string; tv: (prefix: string, value: string) => string; lang: Lang } {
  const l = useStore(lang);
  return { t: (key, vars) => translate(l, key, vars), tv: (prefix, value) => translateValue(l, prefix, value), lang: l };
}
