import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CsvImportError, customersCsvFile, formatCustomersCsv, parseCustomersCsv, parseCustomersCsvBytes, type CsvRowError } from '../../src/directory/csv.ts';
import type { Customer } from '../../src/directory/customers.ts';

function errorsOf(text: string, options?: { knownQueues?: ReadonlySet<string> }): CsvRowError[] {
  const result = parseCustomersCsv(text, options);
  assert.equal(result.ok, false, 'expected the CSV to be rejected');
  return result.ok ? [] : result.errors;
}

function customersOf(text: string, options?: { knownQueues?: ReadonlySet<string> }): Customer[] {
  const result = parseCustomersCsv(text, options);
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.errors));
  return result.customers;
}

describe('parseCustomersCsv', () => {
  test('reads rows with columns in any order, trimming values', () => {
    assert.deepEqual(customersOf('queue,customer_number,name\nsales, 0012 ,  山田 太郎 \n'), [
      { customerNumber: '0012', name: '山田 太郎', queue: 'sales' },
    ]);
  });

  test('accepts a BOM, CRLF line ends, quoted fields and blank lines', () => {
    const text = '\uFEFFcustomer_number,name,queue\r\n1,"Tanaka, ""Ken""",sales\r\n\r\n2,"Two\r\nLines",support\r\n,,\r\n';
    assert.deepEqual(customersOf(text), [
      { customerNumber: '1', name: 'Tanaka, "Ken"', queue: 'sales' },
      { customerNumber: '2', name: 'Two\nLines', queue: 'support' },
    ]);
  });

  test('reports every bad row with its line and column, not just the first', () => {
    const text = [
      'customer_number,name,queue', // 1
      '1,Good,sales', // 2
      'abc,Letters,sales', // 3
      '', // 4 (blank, skipped)
      '123456789012345678901,TooLong,sales', // 5
      '2,   ,sales', // 6
      '3,NoQueue,', // 7
      '1,Again,sales', // 8
      '4,Nowhere,marketing', // 9
    ].join('\n');
    assert.deepEqual(
      errorsOf(text, { knownQueues: new Set(['sales', 'q-sales']) }).map((e) => [e.line, e.column]),
      [[3, 'customer_number'], [5, 'customer_number'], [6, 'name'], [7, 'queue'], [8, 'customer_number'], [9, 'queue']],
    );
  });

  test('a duplicate number is reported on the later line, naming the earlier one', () => {
    const [error] = errorsOf('customer_number,name,queue\n5,A,q\n6,B,q\n5,C,q\n');
    assert.equal(error?.line, 4);
    assert.match(error?.message ?? '', /line 2/);
  });

  test('accepts exactly 20 digits', () => {
    assert.equal(customersOf('customer_number,name,queue\n12345678901234567890,Max,q\n').length, 1);
  });

  test('a queue is accepted by id or name when known queues are given', () => {
    const knownQueues = new Set(['q-sales', 'Sales']);
    assert.equal(customersOf('customer_number,name,queue\n1,A,q-sales\n2,B,Sales\n', { knownQueues }).length, 2);
  });

  test('an unknown column is rejected with the expected columns listed', () => {
    const errors = errorsOf('customer_number,name,queue,email\n1,A,q,a@example.com\n');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.line, 1);
    assert.equal(errors[0]?.column, 'email');
    assert.match(errors[0]?.message ?? '', /customer_number, name, queue/);
  });

  test('a missing column and an empty file are header errors on line 1', () => {
    assert.deepEqual(errorsOf('customer_number,name\n1,A\n').map((e) => [e.line, e.column]), [[1, 'queue']]);
    assert.deepEqual(errorsOf('').map((e) => e.line), [1]);
    assert.deepEqual(errorsOf('\n\n').map((e) => e.line), [1]);
  });

  test('a row with the wrong number of fields is an error on its line', () => {
    const errors = errorsOf('customer_number,name,queue\n1,A,q\n2,B\n3,C,q,extra\n');
    assert.deepEqual(errors.map((e) => e.line), [3, 4]);
    assert.match(errors[0]?.message ?? '', /expected 3 fields, found 2/);
  });

  test('an unclosed quote is an error on the line it opens, and later rows are still checked', () => {
    const text = 'customer_number,name,queue\n1,"Open,q\n2,B,q\nxx,C,q\n';
    assert.deepEqual(errorsOf(text).map((e) => e.line), [2, 4]);
  });

  test('a stray character after a closing quote is an error on its line, never a throw', () => {
    const text = 'customer_number,name,queue\r\n1,"A"x,q\r\n2,B,q\r\n2,C,q\r\n';
    const errors = errorsOf(text);
    assert.deepEqual(errors.map((e) => e.line), [2, 4]);
  });

  test('line numbers count the lines of multi-line quoted fields', () => {
    const text = 'customer_number,name,queue\n1,"a\n\nb",q\n\nbad,C,q\n';
    assert.deepEqual(errorsOf(text).map((e) => e.line), [6]);
  });
});

describe('customersCsvFile', () => {
  test('starts with a UTF-8 byte-order mark, so Excel in Japan opens it without mojibake, and imports again unchanged', () => {
    const customers = [{ customerNumber: '1002', name: '富士不動産株式会社', queue: 'project-fuji' }];
    const file = customersCsvFile(customers);
    assert.equal(file.charCodeAt(0), 0xfeff);
    const parsed = parseCustomersCsvBytes(Buffer.from(file, 'utf8'), { knownQueues: new Set(['project-fuji']) });
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.customers, customers);
  });
});

describe('formatCustomersCsv', () => {
  test('round-trips through parseCustomersCsv', () => {
    const customers: Customer[] = [
      { customerNumber: '001', name: '山田, "太郎"', queue: 'sales' },
      { customerNumber: '2', name: 'Two\nLines', queue: 'support team' },
    ];
    const text = formatCustomersCsv(customers);
    assert.ok(text.startsWith('customer_number,name,queue\n'));
    assert.deepEqual(customersOf(text), customers);
  });

  test('an empty directory exports just the header', () => {
    assert.equal(formatCustomersCsv([]), 'customer_number,name,queue\n');
    assert.deepEqual(customersOf(formatCustomersCsv([])), []);
  });
});

test('CsvImportError carries every row error and summarises the first', () => {
  const errors = errorsOf('customer_number,name,queue\nx,A,q\ny,B,q\n');
  const error = new CsvImportError(errors);
  assert.equal(error.errors.length, 2);
  assert.match(error.message, /^line 2: .*\(and 1 more\)$/);
  assert.ok(error instanceof Error);
});

describe('CSV injection (OWASP): formula-like cells are neutralised on export and restored on import', () => {
  const dangerous: Customer[] = [
    { customerNumber: '1', name: '=HYPERLINK("http://evil.example","click")', queue: 'sales' },
    { customerNumber: '2', name: '+81 3 1234', queue: 'sales' },
    { customerNumber: '3', name: '-2+3', queue: 'sales' },
    { customerNumber: '4', name: '@SUM(A1)', queue: 'sales' },
    { customerNumber: '5', name: "'=already quoted", queue: 'sales' },
    { customerNumber: '6', name: "O'Brien & 'quoted'", queue: 'sales' },
  ];

  test('every exported cell that a spreadsheet would run starts with an apostrophe', () => {
    const text = formatCustomersCsv(dangerous);
    const names = text.trimEnd().split('\n').slice(1).map((l) => l.slice(l.indexOf(',') + 1, l.lastIndexOf(',')));
    assert.deepEqual(names, [
      '"\'=HYPERLINK(""http://evil.example"",""click"")"', "'+81 3 1234", "'-2+3", "'@SUM(A1)", "''=already quoted", "O'Brien & 'quoted'",
    ]);
  });

  test('tab and carriage return at the start are neutralised too', () => {
    const text = formatCustomersCsv([{ customerNumber: '7', name: '\t=1+1', queue: 'sales' }, { customerNumber: '8', name: '\r=1+1', queue: 'sales' }]);
    assert.match(text, /^7,'\t=1\+1,sales$/m);
    assert.match(text, /^8,"'\r=1\+1",sales$/m);
  });

  test('the round trip keeps the real values', () => {
    assert.deepEqual(customersOf(formatCustomersCsv(dangerous)), dangerous);
  });
});
