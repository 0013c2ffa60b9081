// The JSON text of artifacts and `floe ls --output json`, which dbt writes from Python: a value Python holds as a float
// with an integral value (a PyFloat, `x=1.0` in config()) is written `1.0`, where JSON.stringify writes `1`; a bigint
// is written as its digits in a string, as before.
import { floatRepr, PyFloat } from '../jinja/pyFloat';

/** Text no JSON.stringify output holds (it escapes U+0000), standing for a float's repr until the text is made. */
const FLOAT_TEXT = '\u0000float:';
const FLOAT_STRING = /"\\u0000float:([^"]*)"/g;

export function artifactJson(value: unknown, indent?: number): string {
  let floats = false;
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof PyFloat && Number.isFinite(v.valueOf())) {
      floats = true;
      return `${FLOAT_TEXT}${floatRepr(v.valueOf())}`;
    }
    return v;
  }, indent);
  return floats ? text.replace(FLOAT_STRING, '$1') : text;
}
