import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { demoDefinition, writeDemoInstance } from '../../src/instance/demo.ts';
import { loadInstance, parseInstance, type InstanceProblem } from '../../src/instance/load.ts';
import type { InstanceDefinition } from '../../src/instance/types.ts';

const FLOWS_DIR = join(import.meta.dirname, '../../flows');

/** A temp dir holding the demo's flow file, so only the edited reference can be wrong. */
function dirWithFlow(): string {
  const dir = mkdtempSync(join(tmpdir(), 'chokutsu-'));
  mkdirSync(join(dir, 'flows'));
  for (const flow of ['direct-line.json', 'customer-queue.json']) writeFileSync(join(dir, 'flows', flow), readFileSync(join(FLOWS_DIR, flow)));
  return dir;
}

function problemsOf(edit: (def: InstanceDefinition) => void): InstanceProblem[] {
  const def = demoDefinition();
  edit(def);
  const result = parseInstance(JSON.stringify(def), 'json', dirWithFlow());
  assert.equal(result.ok, false, 'expected the edited definition to be rejected');
  return result.ok ? [] : result.problems;
}

function paths(problems: InstanceProblem[]): string[] {
  return problems.map((p) => p.path).sort();
}

function at<T>(list: T[], i: number): T {
  const item = list[i];
  assert.ok(item !== undefined, `no item ${i}`);
  return item;
}

describe('the demo instance', () => {
  test('writes a definition that loads with no problems', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'chokutsu-'));
    const { file, written } = writeDemoInstance(dataDir, { force: false, flowsDir: FLOWS_DIR });
    assert.equal(written, true);
    const result = loadInstance(file);
    assert.ok(result.ok, JSON.stringify(result.ok ? [] : result.problems));
    assert.equal(result.instance.file, file);
    assert.equal(result.instance.dir, dataDir);
    assert.deepEqual(result.instance.definition, demoDefinition());
    assert.match(readFileSync(file, 'utf8'), /^# chokutsu instance definition/);
  });

  test('refuses to overwrite an existing definition unless forced', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'chokutsu-'));
    const file = join(dataDir, 'chokutsu.yaml');
    writeFileSync(file, 'name: mine\n');
    assert.deepEqual(writeDemoInstance(dataDir, { force: false, flowsDir: FLOWS_DIR }), { file, written: false });
    assert.equal(readFileSync(file, 'utf8'), 'name: mine\n');
    assert.deepEqual(writeDemoInstance(dataDir, { force: true, flowsDir: FLOWS_DIR }), { file, written: true });
    assert.ok(loadInstance(file).ok);
  });

  test('also loads from JSON', () => {
    const dir = dirWithFlow();
    const file = join(dir, 'line.json');
    writeFileSync(file, JSON.stringify(demoDefinition(), null, 2));
    assert.ok(loadInstance(file).ok);
  });
});

describe('parse and schema problems', () => {
  test('a YAML syntax error is a problem with its line, not a throw', () => {
    const result = parseInstance('name: x\nqueues: [a, b\ntimeZone: Asia/Tokyo\n', 'yaml', dirWithFlow());
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.ok(result.problems.length > 0);
    assert.match(at(result.problems, 0).message, /YAML syntax error at line \d+, column \d+/);
  });

  test('invalid JSON is a problem', () => {
    const result = parseInstance('{"name": ', 'json', dirWithFlow());
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(at(result.problems, 0).message, /invalid JSON/);
  });

  test('a missing file is a problem', () => {
    const result = loadInstance(join(tmpdir(), 'chokutsu-does-not-exist', 'chokutsu.yaml'));
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(at(result.problems, 0).message, /cannot read/);
  });

  test('lists a missing timeZone and a bad phone number together', () => {
    const problems = problemsOf((def) => {
      delete (def as Partial<InstanceDefinition>).timeZone;
      at(def.phoneNumbers, 0).number = '050-1234-5678';
    });
    assert.deepEqual(paths(problems), ['/phoneNumbers/0/number', '/timeZone']);
    assert.match(problems.find((p) => p.path === '/phoneNumbers/0/number')?.message ?? '', /E\.164/);
  });

  test('names an unknown property and an out-of-range function timeout', () => {
    const problems = problemsOf((def) => {
      Object.assign(at(def.agents, 0), { email: 'sato@example.jp' });
      at(def.functions, 0).timeoutSeconds = 9;
    });
    assert.deepEqual(paths(problems), ['/agents/0/email', '/functions/0/timeoutSeconds']);
  });

  test('rejects a rank that is not a positive integer', () => {
    const problems = problemsOf((def) => {
      at(at(def.queues, 0).agents, 1).rank = 0;
    });
    assert.deepEqual(paths(problems), ['/queues/0/agents/1/rank']);
  });

  test('gives the YAML line of a problem', () => {
    const def = demoDefinition();
    at(def.phoneNumbers, 0).number = '0501234567';
    const text = stringify(def);
    const result = parseInstance(text, 'yaml', dirWithFlow());
    assert.equal(result.ok, false);
    if (result.ok) return;
    const line = text.split('\n').findIndex((l) => l.includes('0501234567')) + 1;
    assert.equal(at(result.problems, 0).line, line);
  });
});

describe('cross-references', () => {
  test('a queue on hours of operation that do not exist', () => {
    const problems = problemsOf((def) => {
      at(def.queues, 1).hoursOfOperation = 'weekend';
    });
    assert.deepEqual(paths(problems), ['/queues/1/hoursOfOperation']);
  });

  test('a queue member who is not an agent, and a rank used twice', () => {
    const problems = problemsOf((def) => {
      at(at(def.queues, 1).agents, 0).agent = 'yamada';
      at(at(def.queues, 2).agents, 3).rank = 1;
    });
    assert.deepEqual(paths(problems), ['/queues/1/agents/0/agent', '/queues/2/agents/3/rank']);
  });

  test('the same agent twice in one queue', () => {
    const problems = problemsOf((def) => {
      at(at(def.queues, 0).agents, 2).agent = 'sato';
    });
    assert.deepEqual(paths(problems), ['/queues/0/agents/2/agent']);
  });

  test('overflow to a missing queue and to itself', () => {
    const problems = problemsOf((def) => {
      at(def.queues, 0).overflow = { queue: 'nowhere', afterSeconds: 60 };
      at(def.queues, 1).overflow = { queue: 'project-fuji', afterSeconds: 60 };
    });
    assert.deepEqual(paths(problems), ['/queues/0/overflow/queue', '/queues/1/overflow/queue']);
    assert.match(problems.find((p) => p.path === '/queues/1/overflow/queue')?.message ?? '', /itself/);
  });

  test('duplicate ids, usernames and function ARNs', () => {
    const problems = problemsOf((def) => {
      def.agents.push({ id: 'sato', name: '佐藤 次郎', username: 'sato2' });
      at(def.agents, 2).username = 'suzuki';
      at(def.queues, 2).id = 'project-sakura';
      at(def.functions, 1).arn = at(def.functions, 0).arn;
    });
    assert.deepEqual(paths(problems), ['/agents/2/username', '/agents/4/id', '/functions/1/arn', '/queues/2/id']);
    assert.match(problems.find((p) => p.path === '/agents/4/id')?.message ?? '', /first at \/agents\/0/);
  });

  test('an agent on a routing profile that does not exist', () => {
    const problems = problemsOf((def) => {
      at(def.agents, 1).routingProfile = 'night-shift';
    });
    assert.deepEqual(paths(problems), ['/agents/1/routingProfile']);
  });

  test('agents\' proficiencies: Connect\'s UserProficiency, level 1 to 5, one level per attribute value', () => {
    const def = demoDefinition();
    at(def.agents, 0).proficiencies = [
      { attributeName: 'Language', attributeValue: 'English', level: 5 },
      { attributeName: 'Language', attributeValue: 'Japanese', level: 1 },
    ];
    assert.ok(parseInstance(JSON.stringify(def), 'json', dirWithFlow()).ok, 'loads');
    const problems = problemsOf((d) => {
      at(d.agents, 0).proficiencies = [
        { attributeName: 'Language', attributeValue: 'English', level: 6 },
        { attributeName: 'Language', attributeValue: 'English', level: 2 },
      ];
      at(d.agents, 1).proficiencies = [{ attributeName: 'Language', attributeValue: 'English', level: 2.5 }];
    });
    assert.deepEqual(paths(problems), ['/agents/0/proficiencies/0/level', '/agents/1/proficiencies/0/level']);
    const twice = problemsOf((d) => {
      at(d.agents, 0).proficiencies = [
        { attributeName: 'Language', attributeValue: 'English', level: 4 },
        { attributeName: 'Language', attributeValue: 'English', level: 2 },
      ];
    });
    assert.deepEqual(twice.map((p) => `${p.path}: ${p.message}`), ['/agents/0/proficiencies/1: Language=English is listed twice (first at /agents/0/proficiencies/0)']);
  });

  test('a phone number whose flow is neither a flow id nor a name', () => {
    const problems = problemsOf((def) => {
      at(def.phoneNumbers, 0).flow = 'main-menu';
    });
    assert.deepEqual(paths(problems), ['/phoneNumbers/0/flow']);
  });

  test('a phone number may name its flow by name', () => {
    const def = demoDefinition();
    at(def.flows, 0).name = '直通フロー';
    at(def.phoneNumbers, 0).flow = '直通フロー';
    assert.ok(parseInstance(JSON.stringify(def), 'json', dirWithFlow()).ok);
  });

  test('a flow file that does not exist next to the definition', () => {
    const problems = problemsOf((def) => {
      at(def.flows, 0).file = 'flows/missing.json';
    });
    assert.deepEqual(paths(problems), ['/flows/0/file']);
  });

  test('a handler module path that does not exist', () => {
    const problems = problemsOf((def) => {
      at(def.functions, 0).handler = './handlers/holiday.ts';
    });
    assert.deepEqual(paths(problems), ['/functions/0/handler']);
  });

  test('closures mixing date forms, ending before they start, or on no real date', () => {
    const problems = problemsOf((def) => {
      def.closures.push({ from: '2025-05-01', to: '05-06', name: 'mixed' });
      def.closures.push({ from: '2025-05-06', to: '2025-05-01', name: 'backwards' });
      def.closures.push({ from: '02-30', to: '03-01', name: 'no such day' });
    });
    assert.deepEqual(paths(problems), ['/closures/2/to', '/closures/3/to', '/closures/4/from']);
  });

  test('an annual closure may span New Year and include 02-29', () => {
    const def = demoDefinition();
    def.closures.push({ from: '02-29', to: '02-29', name: 'leap day' });
    assert.ok(parseInstance(JSON.stringify(def), 'json', dirWithFlow()).ok);
  });

  test('an unknown time zone', () => {
    const problems = problemsOf((def) => {
      def.timeZone = 'Asia/Atlantis';
    });
    assert.deepEqual(paths(problems), ['/timeZone']);
  });

  test('a prompt with neither file nor text', () => {
    const problems = problemsOf((def) => {
      def.prompts.push({ id: 'welcome', name: 'ようこそ' });
    });
    assert.deepEqual(paths(problems), ['/prompts/0']);
  });

  test('collects every problem at once', () => {
    const problems = problemsOf((def) => {
      at(def.queues, 0).hoursOfOperation = 'x';
      at(def.agents, 0).routingProfile = 'y';
      at(def.flows, 0).file = 'flows/z.json';
    });
    assert.equal(problems.length, 3);
  });
});

describe('the outbound trunk', () => {
  test('one trunk dials out; its digest needs both username and password; the caller ID is E.164', () => {
    const problems = problemsOf((def) => {
      def.telephony = {
        trunks: [
          { name: 'a', outbound: { host: '127.0.0.1', username: 'only-user' } },
          { name: 'b', outbound: { host: '127.0.0.2' } },
        ],
      };
    });
    assert.deepEqual(paths(problems), ['/telephony/trunks/0/outbound', '/telephony/trunks/1/outbound']);
    assert.match(problems.map((p) => p.message).join(' '), /only one trunk dials out; trunk "a" already has outbound/);
    const badCallerId = problemsOf((def) => {
      def.telephony = { trunks: [{ name: 'a', outbound: { host: '127.0.0.1', callerId: '0501234567' } }] };
    });
    assert.deepEqual(paths(badCallerId), ['/telephony/trunks/0/outbound/callerId']);
  });

  test('a trunk with a host, port, transport and credentials loads', () => {
    const def = demoDefinition();
    def.telephony = { trunks: [{ name: 'carrier', addresses: ['127.0.0.1'], outbound: { host: '127.0.0.1', port: 5070, transport: 'tcp', username: 'u', password: 'p', callerId: '+81501234567' } }] };
    const result = parseInstance(JSON.stringify(def), 'json', dirWithFlow());
    assert.equal(result.ok, true, JSON.stringify(result.ok ? [] : result.problems));
  });
});

describe('media worker threads', () => {
  test('telephony.rtp.mediaWorkers is a whole number from 0 (media on the signalling thread) to 64', () => {
    for (const bad of [-1, 1.5, 65]) {
      const problems = problemsOf((def) => {
        def.telephony = { rtp: { mediaWorkers: bad } };
      });
      assert.deepEqual(paths(problems), ['/telephony/rtp/mediaWorkers'], `mediaWorkers: ${bad}`);
    }
    assert.match(problemsOf((def) => {
      def.telephony = { rtp: { mediaWorkers: 65 } };
    }).map((p) => p.message).join(' '), /must be <= 64/);
    for (const good of [0, 2, 64]) {
      const def = demoDefinition();
      def.telephony = { rtp: { mediaWorkers: good } };
      const result = parseInstance(JSON.stringify(def), 'json', dirWithFlow());
      assert.equal(result.ok, true, JSON.stringify(result.ok ? [] : result.problems));
    }
  });
});
