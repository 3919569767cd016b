// Reading task files in the browser: TSV, CSV and JSON lines, in slices, into Toloka task objects.
//
// The same convention as the SDK's readers (talaka.client._readers): columns `INPUT:name`,
// `GOLDEN:name`, `HINT:text` and `TASK:overlap`; cells are converted by the project's field
// types ("5" becomes 5 for an integer field); a bad cell makes its row invalid without stopping
// the file; a header that cannot be used stops it, listing every bad column at once. Lines are
// counted as an editor shows them, the header being line 1.
//
// The file is read with File.slice, one slice at a time, so a file of a million rows never sits
// in memory whole; `readTaskFile` yields the rows of each slice and the bytes read so far.

export const SLICE_BYTES = 1 << 20;
const WHOLE_ROW = "(row)";

export class TaskFileError extends Error {
  // A file that cannot be read as tasks at all; `problems` lists [column, message] pairs.
  constructor(message, problems = []) {
    super(message);
    this.problems = problems;
  }
}

class CellProblem extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

export function describe(value, limit = 40) {
  if (typeof value === "string") {
    const shown = value.length <= limit ? value : value.slice(0, limit) + "...";
    return '"' + shown.replaceAll("\\", "\\\\").replaceAll('"', '\\"') + '"';
  }
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return String(value);
}

// One conversion per field type, for text cells; the syntax is checked first, as the SDK does.
const INTEGER = /^[+-]?[0-9]+(\.0*)?$/;
const FLOAT = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$/;
const BOOLEANS = { true: true, false: false, 1: true, 0: false };

function toInteger(text) {
  if (!INTEGER.test(text)) throw new CellProblem("INTEGER_EXPECTED", `Expected an integer such as 5, got ${describe(text)}`);
  const number = Number(text.split(".")[0]);
  if (!Number.isSafeInteger(number)) {
    throw new CellProblem("VALUE_OUT_OF_BOUNDS",
      `Integers beyond ±${Number.MAX_SAFE_INTEGER} cannot be uploaded from the browser, got ${describe(text)}; use the SDK`);
  }
  return number;
}

function toFloat(text) {
  const number = FLOAT.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(number)) throw new CellProblem("FLOAT_EXPECTED", `Expected a finite number such as 0.5, got ${describe(text)}`);
  return number;
}

function toBoolean(text) {
  const value = BOOLEANS[text.toLowerCase()];
  if (value === undefined) throw new CellProblem("BOOLEAN_EXPECTED", `Expected true, false, 1 or 0, got ${describe(text)}`);
  return value;
}

function toJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    throw new CellProblem("JSON_EXPECTED", `Expected a JSON value, got ${describe(text)}`);
  }
}

function toArray(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value)) throw new CellProblem("ARRAY_EXPECTED", `Expected a JSON array such as ["a", "b"], got ${describe(text)}`);
  return value;
}

const CONVERTERS = { integer: toInteger, float: toFloat, boolean: toBoolean, json: toJson };

export function converter(type) {
  if (typeof type !== "string") return null;
  if (type.startsWith("array_")) return toArray;
  return CONVERTERS[type] || null;
}

// Toloka's column convention for one pool and project.
export class Convention {
  constructor({ poolId, inputSpec = {}, outputSpec = {} }) {
    this.poolId = String(poolId);
    this.inputSpec = inputSpec || {};
    this.outputSpec = outputSpec || {};
  }

  // The plan of one column: {header, target, name, convert, required}; null for ignored columns.
  column(header) {
    if (header === "TASK:pool_id" || header === "pool_id") return null;
    if (header === "TASK:overlap") return { header, target: "overlap", name: "", convert: toInteger, required: false };
    if (header === "HINT:text" || header === "HINT:") {
      return { header, target: "hint", name: "", convert: null, required: false };
    }
    const colon = header.indexOf(":");
    const prefix = colon > 0 ? header.slice(0, colon) : "";
    const name = header.slice(colon + 1);
    if ((prefix === "INPUT" || prefix === "GOLDEN") && name) {
      const specs = prefix === "INPUT" ? this.inputSpec : this.outputSpec;
      const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
      if (!spec) {
        const side = prefix === "INPUT" ? "input" : "output";
        const known = Object.keys(specs).sort().join(", ") || "none";
        throw new CellProblem("VALUE_NOT_ALLOWED", `The project's ${side} fields have no ${describe(name)}; its ${side} fields: ${known}`);
      }
      return {
        header, target: prefix === "INPUT" ? "input" : "golden", name,
        convert: converter(spec.type), required: prefix === "INPUT" && spec.required !== false,
      };
    }
    throw new CellProblem("VALUE_NOT_ALLOWED",
      "Unknown column: use INPUT:name, GOLDEN:name, HINT:text or TASK:overlap");
  }

  // The plan of a whole header, or one TaskFileError listing every bad column.
  columns(headers) {
    const problems = [];
    const seen = new Set();
    const planned = headers.map((header) => {
      let column;
      try {
        column = this.column(header);
      } catch (problem) {
        problems.push([header || "(empty header)", problem.message]);
        return null;
      }
      if (column === null) return null;
      const key = column.target + ":" + column.name;
      if (seen.has(key)) {
        problems.push([header, "Fills the same value as an earlier column"]);
        return null;
      }
      seen.add(key);
      return column;
    });
    for (const [name, spec] of Object.entries(this.inputSpec)) {
      if (spec && spec.required !== false && !seen.has("input:" + name)) {
        problems.push(["INPUT:" + name, `No column for the required input field ${describe(name)}`]);
      }
    }
    if (problems.length) throw new TaskFileError("The file's header cannot be used", problems);
    return planned;
  }

  // One task from [column, value] pairs; `typed` values (JSON lines) keep their own types.
  task(line, pairs, typed, errors = []) {
    const inputs = {};
    let golden = null;
    const task = { pool_id: this.poolId, input_values: inputs };
    for (const [column, cell] of pairs) {
      if (!column) continue;
      if (cell === null || cell === undefined || cell === "") {
        if (column.required) errors.push({ field: column.header, code: "VALUE_REQUIRED", message: "Value must be present" });
        continue;
      }
      let value = cell;
      if (!typed && column.convert) {
        try {
          value = column.convert(cell);
        } catch (problem) {
          errors.push({ field: column.header, code: problem.code, message: problem.message });
          continue;
        }
      }
      if (column.target === "input") inputs[column.name] = value;
      else if (column.target === "golden") {
        if (golden === null) {
          golden = {};
          task.known_solutions = [{ output_values: golden }];
        }
        golden[column.name] = value;
      } else if (column.target === "overlap") task.overlap = value;
      else if (column.target === "hint") task.message_on_unknown_solution = value;
    }
    return { line, task: errors.length ? null : task, errors };
  }
}

// Splits delimited text into records, slice by slice; quoted cells may hold delimiters, quotes
// ("") and newlines, as spreadsheets and pandas write them, TSV included.
export class Records {
  constructor(delimiter) {
    this.delimiter = delimiter;
    this.pending = "";
    this.line = 1;
  }

  // Complete records in `text` (and the final one when `final`): [{line, cells, unclosed?}].
  push(text, final) {
    const s = this.pending + text;
    const records = [];
    let i = 0;
    while (i < s.length) {
      const newline = s.indexOf("\n", i);
      if (newline === -1 && !final) break;
      const end = newline === -1 ? s.length : newline;
      let line = s.slice(i, end);
      if (!line.includes('"')) {
        if (line.endsWith("\r")) line = line.slice(0, -1);
        records.push({ line: this.line, cells: line.split(this.delimiter) });
        this.line += 1;
        i = end + 1;
        continue;
      }
      const record = this.quoted(s, i, final);
      if (record === null) break;
      records.push({ line: this.line, cells: record.cells, unclosed: record.unclosed });
      this.line += record.lines;
      i = record.next;
    }
    this.pending = i < s.length ? s.slice(i) : "";
    return records;
  }

  quoted(s, start, final) {
    const cells = [];
    let cell = "";
    let lines = 1;
    let inQuotes = false;
    let atStart = true;
    let i = start;
    while (i < s.length) {
      const c = s[i];
      if (inQuotes) {
        if (c === '"') {
          if (i + 1 >= s.length && !final) return null;
          if (s[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          inQuotes = false;
        } else {
          if (c === "\n") lines += 1;
          cell += c;
        }
        i += 1;
      } else if (c === '"' && atStart) {
        inQuotes = true;
        atStart = false;
        i += 1;
      } else if (c === this.delimiter) {
        cells.push(cell);
        cell = "";
        atStart = true;
        i += 1;
      } else if (c === "\n" || c === "\r") {
        if (c === "\r" && i + 1 >= s.length && !final) return null;
        if (c === "\r" && s[i + 1] === "\n") i += 1;
        cells.push(cell);
        return { cells, next: i + 1, lines };
      } else {
        cell += c;
        atStart = false;
        i += 1;
      }
    }
    if (!final) return null;
    cells.push(cell);
    return { cells, next: s.length, lines, unclosed: inQuotes };
  }
}

class TabularRows {
  constructor(delimiter, convention) {
    this.records = new Records(delimiter);
    this.convention = convention;
    this.columns = null;
  }

  push(text, final) {
    const rows = [];
    for (const record of this.records.push(text, final)) {
      if (this.columns === null) {
        this.columns = this.convention.columns(record.cells.map((cell) => cell.trim()));
        continue;
      }
      if (record.cells.every((cell) => cell === "")) continue;
      rows.push(this.row(record));
    }
    return rows;
  }

  row({ line, cells, unclosed }) {
    if (unclosed) {
      return { line, task: null, errors: [{ field: WHOLE_ROW, code: "INVALID_VALUE", message: "A quoted cell starting on this row is never closed" }] };
    }
    if (cells.length !== this.columns.length) {
      const message = `Expected ${this.columns.length} cells as in the header, got ${cells.length}`;
      return { line, task: null, errors: [{ field: WHOLE_ROW, code: "INVALID_VALUE", message }] };
    }
    return this.convention.task(line, this.columns.map((column, index) => [column, cells[index]]), false);
  }
}

class JsonRows {
  constructor(convention) {
    this.convention = convention;
    this.pending = "";
    this.line = 1;
    this.columns = new Map();
  }

  push(text, final) {
    const lines = (this.pending + text).split("\n");
    this.pending = final ? "" : lines.pop();
    const rows = [];
    for (const text of lines) {
      const line = this.line;
      this.line += 1;
      if (text.trim()) rows.push(this.row(line, text));
    }
    return rows;
  }

  row(line, text) {
    let item;
    try {
      item = JSON.parse(text);
    } catch (error) {
      return { line, task: null, errors: [{ field: WHOLE_ROW, code: "JSON_EXPECTED", message: "Not a JSON object: " + error.message }] };
    }
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      return { line, task: null, errors: [{ field: WHOLE_ROW, code: "OBJECT_EXPECTED", message: `Expected an object, got ${describe(item)}` }] };
    }
    if ("input_values" in item) {
      // A task in the API's own shape is sent as written, into this pool.
      return { line, task: { ...item, pool_id: this.convention.poolId }, errors: [] };
    }
    const errors = [];
    const pairs = [];
    for (const [key, value] of Object.entries(item)) {
      if (!this.columns.has(key)) {
        try {
          this.columns.set(key, this.convention.column(key));
        } catch (problem) {
          this.columns.set(key, problem);
        }
      }
      const column = this.columns.get(key);
      if (column instanceof CellProblem) errors.push({ field: key, code: column.code, message: column.message });
      else pairs.push([column, value]);
    }
    return this.convention.task(line, pairs, true, errors);
  }
}

const SUFFIXES = { tsv: "tsv", tab: "tsv", csv: "csv", jsonl: "jsonl", ndjson: "jsonl", json: "jsonl" };

// "tsv", "csv" or "jsonl" from the name, else from the first line of text.
export function formatOf(name, firstText = "") {
  const suffix = name.toLowerCase().split(".").pop();
  if (SUFFIXES[suffix]) return SUFFIXES[suffix];
  const first = firstText.split("\n", 1)[0];
  if (first.trimStart().startsWith("{")) return "jsonl";
  return first.includes("\t") ? "tsv" : "csv";
}

export function rowsReader(format, convention) {
  if (format === "jsonl") return new JsonRows(convention);
  return new TabularRows(format === "tsv" ? "\t" : ",", convention);
}

// The rows of `file`, slice by slice: yields {rows, bytes} where `bytes` is how far it has read.
export async function* readTaskFile(file, convention, { sliceBytes = SLICE_BYTES } = {}) {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let reader = null;
  for (let offset = 0; offset < file.size; offset += sliceBytes) {
    const end = Math.min(offset + sliceBytes, file.size);
    let text;
    try {
      text = decoder.decode(await file.slice(offset, end).arrayBuffer(), { stream: true });
    } catch (error) {
      if (error instanceof TypeError) throw new TaskFileError(`The file is not UTF-8 text (near byte ${offset}): save it as UTF-8`);
      throw new TaskFileError(`The file cannot be read any more (${error.message}); choose it again`);
    }
    reader ??= rowsReader(formatOf(file.name, text), convention);
    yield { rows: reader.push(text, false), bytes: end };
  }
  if (reader === null) throw new TaskFileError("The file is empty");
  yield { rows: reader.push(decoder.decode(), true), bytes: file.size };
}
