import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Json } from '@duckdb/node-api';
import { formatResult, type ResultFormat } from '../../server/src/engine/results';

const result = {
  columns: [
    { name: 'id', type: 'BIGINT' }, { name: 'name', type: 'VARCHAR' }, { name: 'amount', type: 'DECIMAL(38,2)' },
    { name: 'ok', type: 'BOOLEAN' }, { name: 'tags', type: 'VARCHAR[]' },
  ],
  rows: [
    ['9223372036854775807', 'a, "quoted"', '12.50', true, ['x', 'y']],
    ['-1', null, null, false, []],
  ] as Json[][],
};

function check(format: ResultFormat, expected: string) {
  assert.equal(formatResult(result as never, format), expected);
}

test('json keeps exact strings, null and nesting', () => {
  check('json', '{"columns":[{"name":"id","type":"BIGINT"},{"name":"name","type":"VARCHAR"},{"name":"amount","type":"DECIMAL(38,2)"},{"name":"ok","type":"BOOLEAN"},{"name":"tags","type":"VARCHAR[]"}],'
    + '"rows":[["9223372036854775807","a, \\"quoted\\"","12.50",true,["x","y"]],["-1",null,null,false,[]]]}\n');
});

test('csv quotes per RFC 4180 and prints NULL as an empty field', () => {
  check('csv', 'id,name,amount,ok,tags\r\n9223372036854775807,"a, ""quoted""",12.50,true,"[""x"",""y""]"\r\n-1,,,false,[]\r\n');
});

test('table aligns columns, right-aligns numbers, shows NULL', () => {
  check('table', [
    'id                  | name        | amount | ok    | tags',
    '--------------------+-------------+--------+-------+----------',
    '9223372036854775807 | a, "quoted" |  12.50 | true  | ["x","y"]',
    '                 -1 | NULL        |   NULL | false | []',
    '(2 rows)',
    '',
  ].join('\n'));
});
