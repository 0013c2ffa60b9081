// nunjucks' and JavaScript's error texts rewritten as what a dbt user can act on: the construct, and what to do.
// Positions are added by the caller (render.ts); this only words the message.

const RULES: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  // A method of what a call returned (`config.get('x').upper()`): nunjucks names it "the return value of (config["get"])["upper"]".
  [/^Unable to call `the return value of \(([\w.[\]"]+)\)\["(\w+)"\]`, which is undefined or falsey/, (m) =>
    `'${calleeName(m[1])}(...)' returned a value with no method '${m[2]}' (None, or a value of another type): a var, config value or macro result this code expects is missing.`],
  [/^Unable to call `(?:the return value of \()?([\w.[\]"()]+?)\)?`, which is undefined or falsey/, (m) =>
    `'${calleeName(m[1])}' is not defined: no macro, package macro or dbt function has that name here. Check the spelling, or install the package that defines it (floe deps).`],
  // pyCallChain's: a method called on a missing attribute (`d.missing.upper()`), worded as Jinja2's UndefinedError.
  [/^UndefinedError: (.+); calling (.+)$/, (m) =>
    `${m[1]}, so '${calleeName(m[2])}()' cannot be called: a var, config value or attribute this code expects is missing.`],
  // pyLookupIn's: an attribute of a missing attribute (`d.missing.x`), worded as Jinja2's UndefinedError.
  [/^UndefinedError: (.+?)(?:; reading (.+))?$/, (m) =>
    `${m[1]}${m[2] ? `, so '${m[2]}' cannot be read` : ''}: a var, config value or attribute this code expects is missing.`],
  [/^Unable to call `([\w.[\]"]+)`, which is not a function/, (m) => `'${calleeName(m[1])}' is a value, not a macro or function: it cannot be called.`],
  [/^unexpected token: (.+)$/, (m) => `Jinja syntax error: unexpected '${m[1]}'. Check the brackets, quotes and commas of this block.`],
  // the parser's own function names (`parseSignature: expected comma after expression`) mean nothing to a user
  [/^parse\w*: (.+)$/, (m) => `Jinja syntax error: ${m[1]}. Check the brackets, quotes and commas of this block.`],
  [/^expected (?:variable|block) end/, () => 'Jinja syntax error: this block is not closed where expected (a missing }} or %}, or an unsupported expression).'],
  [/^unknown block tag: (\w+)/, (m) => `Jinja syntax error: '{% ${m[1]} %}' is not a Jinja or dbt tag.`],
  [/^(?:TypeError: )?Cannot read propert(?:y|ies) of (undefined|null)(?: \(reading '([^']*)'\))?/, (m) =>
    `A value is ${m[1] === 'null' ? 'None' : 'undefined'}${m[2] ? ` where its attribute '${m[2]}' is read` : ''}: a var, config value or macro result this code expects is missing.`],
  // the stack's end (a file of thousands of nested brackets): Jinja2 stops at Python's recursion limit too
  [/^(?:RangeError: )?Maximum call stack size exceeded/, () => 'This Jinja nests too deeply to render (brackets or blocks thousands deep); Jinja2 stops at its recursion limit too.'],
  [/^(?:TypeError|ReferenceError|RangeError|SyntaxError): (.*)$/, (m) => `Floe could not render this Jinja (${m[1]}). If dbt compiles it, please report it as a Floe bug.`],
];

function calleeName(raw: string): string {
  return raw.replace(/\["([^"]+)"\]/g, '.$1').replace(/^\(|\)$/g, '');
}

/** The message for a render error, worded for the user. Unknown texts pass through unchanged. */
export function explainRenderError(message: string): string {
  for (const [pattern, explain] of RULES) {
    const m = pattern.exec(message);
    if (m) return explain(m);
  }
  return message;
}

/**
 * Whether a render message says a value was missing (an attribute of None or of an undefined value): in a template that
 * read `execute`, that value is most often a query's result, which dbt has when it compiles and Floe does not.
 */
export function isMissingValueMessage(message: string): boolean {
  return / this code expects is missing\.$/.test(message);
}

/** Said of a problem met in a template that read `execute`: Floe renders it as dbt's parse does, without query results. */
export const PARSE_TIME_NOTE = '(checked as dbt parses it: macros that query the database render nothing until run)';
