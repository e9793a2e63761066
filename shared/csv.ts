/**
 * CSV as spreadsheets write it (RFC 4180): fields separated by commas (or
 * semicolons, as a French-locale spreadsheet saves), quoted with `"` when they
 * hold a separator, a quote (doubled) or a line break. No library in the tree
 * does this for the browser too, and it is this small.
 */
export type CsvResult = { ok: true; rows: string[][] } | { ok: false; detail: string };

export function parseCsv(text: string): CsvResult {
  const source = text.replace(/^\uFEFF/, '');
  const firstLine = source.slice(0, source.search(/\r?\n|$/));
  // A French spreadsheet saves with `;`: pick the separator the header uses.
  const separator = !firstLine.includes(',') && firstLine.includes(';') ? ';' : ',';
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  for (let i = 0; i < source.length; i += 1) {
    const c = source[i] as string;
    if (quoted) {
      if (c === '"' && source[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') {
        quoted = false;
        const next = source[i + 1];
        if (next !== undefined && next !== separator && next !== '\r' && next !== '\n') {
          return { ok: false, detail: `line ${line}: text after a closing quote (write "" for a quote inside a quoted field)` };
        }
      } else {
        if (c === '\n') line += 1;
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === separator) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && source[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      line += 1;
    } else {
      field += c;
    }
  }
  if (quoted) return { ok: false, detail: `line ${line}: a quoted field is never closed` };
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return { ok: true, rows: rows.filter((r) => r.some((cell) => cell.trim() !== '')) };
}

/** One CSV line (no line break). A cell starting with = + - @ is kept text for spreadsheets. */
export function csvRow(cells: readonly string[]): string {
  return cells.map(csvField).join(',');
}

export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",;\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
