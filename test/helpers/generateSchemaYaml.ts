// A large dbt schema.yml for speed and scale tests: `models` models of `columns` columns each, with descriptions
// and tests, in the compact (unindented sequence) style. 2,000 × 10 is about 800 KB. Deterministic.
export function generateSchemaYaml(models = 2000, columns = 10): string {
  const lines = ['version: 2', 'models:'];
  for (let m = 0; m < models; m++) {
    lines.push(`- name: m${m}`, `  description: Model ${m}.`, '  columns:');
    for (let c = 0; c < columns; c++) {
      lines.push(`  - name: c${c}`, `    description: C${c}.`);
      if (c === 0) lines.push('    tests: [unique, not_null]');
    }
  }
  return `${lines.join('\n')}\n`;
}
