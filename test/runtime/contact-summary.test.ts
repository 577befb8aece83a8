// The direct line's attribute contract (flows/direct-line.ts): the names it reads are the ones
// flows/direct-line.json writes, and contact records take the caller from the summarizer they are given.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DIRECT_LINE_ATTRIBUTES, directLine } from '../../flows/direct-line.ts';
import { startContact } from '../../src/flow/interpreter.ts';
import type { LiveContact } from '../../src/runtime/contact-center.ts';
import { contactRecordOf } from '../../src/runtime/contact-records.ts';
import { VirtualClock } from '../../src/runtime/text-call.ts';
import { demoDataDir, FLOWS_DIR, openDemoLine } from './support.ts';

describe('the direct line\'s attribute contract', () => {
  test('names only attributes that flows/direct-line.json sets on the contact', () => {
    const flow = JSON.parse(readFileSync(join(FLOWS_DIR, 'direct-line.json'), 'utf8')) as {
      Actions: { Type: string; Parameters: { Attributes?: Record<string, string> } }[];
    };
    const set = new Set(flow.Actions.filter((a) => a.Type === 'UpdateContactAttributes').flatMap((a) => Object.keys(a.Parameters.Attributes ?? {})));
    for (const attribute of Object.values(DIRECT_LINE_ATTRIBUTES)) assert.ok(set.has(attribute), `the flow sets ${attribute}`);
  });

  test('summarizes the caller from those attributes, leaving out what the flow has not set', () => {
    assert.deepEqual(
      directLine.summarize({ customerNumber: '1002', customerName: '富士不動産株式会社', project: 'project-fuji', other: 'x' }),
      { customerNumber: '1002', customerName: '富士不動産株式会社', project: 'project-fuji' },
    );
    assert.deepEqual(directLine.summarize({ customerNumber: '1001' }), { customerNumber: '1001' });
    assert.deepEqual(directLine.summarize({}), {});
  });

  test('a contact record takes the customer from the summarizer it is given, not from fixed attribute names', async () => {
    const clock = new VirtualClock(Date.parse('2026-11-24T10:00:00+09:00'));
    const line = await openDemoLine(demoDataDir(), clock);
    try {
      const at = clock.epochMs();
      const { state } = startContact(line.catalog, {
        contactId: 'c-1', flow: line.entryFlow(), at, attributes: { acct: '77', holder: 'Suzuki', customerNumber: '1001' },
      });
      const live: LiveContact = {
        contactId: 'c-1', from: '+819012345678', to: '+81501234567', flowState: state, initiatedAt: at,
        phase: 'ended', disconnectedAt: at + 5000, disconnectedBy: 'CUSTOMER', offers: [], recordedParticipants: [], holds: { count: 0, totalMs: 0, longestMs: 0, sides: [] },
      };
      const record = contactRecordOf(live, line.definition, line.catalog, {
        summarize: (a) => ({ ...(a['acct'] ? { customerNumber: a['acct'] } : {}), ...(a['holder'] ? { customerName: a['holder'] } : {}) }),
      });
      assert.equal(record.customerNumber, '77');
      assert.equal(record.customerName, 'Suzuki');
      assert.equal(contactRecordOf(live, line.definition, line.catalog, directLine).customerNumber, '1001');
    } finally {
      line.close();
    }
  });
});
