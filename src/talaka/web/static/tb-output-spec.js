// The project's output_spec, checked in the page as the server will check a submit: required
// fields, types, allowed values, lengths, ranges, sizes, and no field the spec does not name.
// Messages speak to the performer, so they say what to do rather than what the type is called.

const COORDINATES = /^\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*$/;

function isWebUrl(value) {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

function range(value, low, high, unit) {
  const hasLow = typeof low === "number";
  const hasHigh = typeof high === "number";
  if ((!hasLow || value >= low) && (!hasHigh || value <= high)) return null;
  if (hasLow && hasHigh) return low === high ? `Enter exactly ${unit(low)}.` : `Enter ${unit(low)} to ${unit(high)}.`;
  return hasLow ? `Enter at least ${unit(low)}.` : `Enter at most ${unit(high)}.`;
}

function scalarProblem(type, value, spec) {
  switch (type) {
    case "string":
      if (typeof value !== "string") return "Enter text.";
      return range([...value].length, spec.min_length, spec.max_length, (n) => `${n} characters`);
    case "integer":
      if (!Number.isInteger(value)) return "Enter a whole number.";
      return range(value, spec.min_value, spec.max_value, String);
    case "float":
      if (typeof value !== "number" || !Number.isFinite(value)) return "Enter a number.";
      return range(value, spec.min_value, spec.max_value, String);
    case "boolean":
      return typeof value === "boolean" ? null : "Answer yes or no.";
    case "url":
      return typeof value === "string" && isWebUrl(value) ? null : "Enter a web address that starts with http:// or https://.";
    case "coordinates":
      return typeof value === "string" && COORDINATES.test(value) ? null : "Enter coordinates as latitude,longitude.";
    case "file":
      return typeof value === "string" ? null : "Attach a file.";
    default:
      return null;
  }
}

function allowedProblem(value, spec) {
  if (!Array.isArray(spec.allowed_values) || spec.allowed_values.includes(value)) return null;
  return `Choose one of: ${spec.allowed_values.map(String).join(", ")}.`;
}

function fieldProblem(spec, value) {
  if (value === undefined || value === null) return spec.required === false ? null : "This answer is required.";
  const type = String(spec.type || "json");
  if (!type.startsWith("array_")) return scalarProblem(type, value, spec) || allowedProblem(value, spec);
  if (!Array.isArray(value)) return "Give a list of answers.";
  const size = range(value.length, spec.min_size, spec.max_size, (n) => `${n} item${n === 1 ? "" : "s"}`);
  if (size) return size.replace(/^Enter/, "Choose");
  for (const item of value) {
    const problem = scalarProblem(type.slice(6), item, spec) || allowedProblem(item, spec);
    if (problem) return problem;
  }
  return null;
}

// [{field, message}] for every field of `values` the spec refuses, in the spec's order.
export function outputProblems(outputSpec, values) {
  const problems = [];
  const spec = outputSpec && typeof outputSpec === "object" ? outputSpec : {};
  for (const [field, fieldSpec] of Object.entries(spec)) {
    const message = fieldProblem(fieldSpec || {}, values[field]);
    if (message) problems.push({ field, message });
  }
  for (const field of Object.keys(values)) {
    if (!(field in spec)) {
      problems.push({ field, message: `The interface writes "${field}", which is not an output field of this project.` });
    }
  }
  return problems;
}
