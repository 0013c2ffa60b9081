// A misspelled ref is reported at its own line, and fixing it clears the diagnostic.
import * as assert from 'node:assert/strict';
import { openFile, positionOf, replaceOnce, revertActive, waitForDiagnostics, waitForReady } from './helpers';

describe('diagnostics', () => {
  before(() => waitForReady());
  afterEach(() => revertActive());

  it('reports a misspelled ref at the right line and clears it once fixed', async () => {
    const { document: doc } = await openFile('models/marts/mart_revenue.sql');
    const refLine = positionOf(doc, "ref('|stg_orders')").line;
    await replaceOnce(doc, "ref('stg_orders')", "ref('stg_ordrs')");

    const reported = await waitForDiagnostics(doc.uri, (ds) => ds.some((d) => d.message.includes('stg_ordrs')));
    const diagnostic = reported.find((d) => d.message.includes('stg_ordrs'))!;
    assert.equal(diagnostic.range.start.line, refLine, `reported on line ${diagnostic.range.start.line + 1}, expected ${refLine + 1}`);
    assert.match(diagnostic.message, /stg_orders/, 'the message should suggest the model meant');

    await replaceOnce(doc, "ref('stg_ordrs')", "ref('stg_orders')");
    await waitForDiagnostics(doc.uri, (ds) => !ds.some((d) => d.message.includes('stg_ordrs')));
  });
});
