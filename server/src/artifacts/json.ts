// The JSON text of artifacts and `floe ls --output json`, which dbt writes from Python: a value Python holds as a float
// with an integral value (a PyFloat, `x=1.0` in config()) is written `1.0`, where JSON.stringify writes `1`; an int
// past 2**53 (a bigint: YAML's `meta: {id: 9007199254740993}`, a test's argument) is a JSON number of its exact digits,
// as Python's json writes it.
import { floatRepr, PyFloat } from '../jinja/pyFloat';

/**
 * Text standing for a number's text (a float's repr, an int's digits) until the JSON text is made. JSON.stringify writes
 * it `"\u0000number:…"`; a string of the value's own that begins so (or with the escape's mark) is written with the
 * escape's mark before it, which is taken out again, so no value's string is ever read as a number.
 */
const NUMBER_TEXT = '\u0000number:';
const ESCAPED_TEXT = '\u0000string:';
/** Every JSON string of the text, from its start (so a `"` escaped inside a string never starts one). */
const JSON_STRING = /"(?:[^"\\]|\\.)*"/g;
const MARKED = /^"\\u0000(number|string):/;

export function artifactJson(value: unknown, indent?: number): string {
  let raw = false;
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') {
      raw = true;
      return `${NUMBER_TEXT}${v}`;
    }
    if (v instanceof PyFloat && Number.isFinite(v.valueOf())) {
      raw = true;
      return `${NUMBER_TEXT}${floatRepr(v.valueOf())}`;
    }
    if (typeof v === 'string' && v.startsWith('\u0000') && (v.startsWith(NUMBER_TEXT) || v.startsWith(ESCAPED_TEXT))) {
      raw = true;
      return `${ESCAPED_TEXT}${v}`;
    }
    return v;
  }, indent);
  if (!raw) return text;
  return text.replace(JSON_STRING, (string) => {
    const mark = MARKED.exec(string);
    if (!mark) return string;
    const rest = string.slice(mark[0].length);
    return mark[1] === 'number' ? rest.slice(0, -1) : `"${rest}`;
  });
}
