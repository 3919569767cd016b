// condition.schema: the part of JSON Schema that answer checks use.
//
// Understood keywords: type (one name or a list: string, number, integer, boolean, object, array,
// null), enum, minimum, maximum, minLength, maxLength (in characters), pattern (a JavaScript
// regular expression, unanchored as JSON Schema says), required, properties, items (one schema
// for every item). Any other keyword is ignored, so a schema using more accepts more than it
// would elsewhere, never less.

function typeOf(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function hasType(value, name) {
  if (name === "integer") return Number.isInteger(value);
  if (name === "number") return typeof value === "number" && Number.isFinite(value);
  return typeOf(value) === name;
}

function sameJson(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function matchesSchema(value, schema) {
  if (schema === true || schema === undefined || schema === null) return true;
  if (schema === false || typeof schema !== "object") return false;
  if (schema.type !== undefined) {
    const names = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!names.some((name) => hasType(value, name))) return false;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => sameJson(option, value))) return false;
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) return false;
    if (typeof schema.maximum === "number" && value > schema.maximum) return false;
  }
  if (typeof value === "string") {
    const length = [...value].length;
    if (typeof schema.minLength === "number" && length < schema.minLength) return false;
    if (typeof schema.maxLength === "number" && length > schema.maxLength) return false;
    if (typeof schema.pattern === "string") {
      let pattern;
      try {
        pattern = new RegExp(schema.pattern, "u");
      } catch {
        return false;
      }
      if (!pattern.test(value)) return false;
    }
  }
  if (typeOf(value) === "object") {
    if (Array.isArray(schema.required) && !schema.required.every((name) => value[name] !== undefined)) return false;
    if (schema.properties && typeof schema.properties === "object") {
      for (const [name, inner] of Object.entries(schema.properties)) {
        if (value[name] !== undefined && !matchesSchema(value[name], inner)) return false;
      }
    }
  }
  if (Array.isArray(value) && schema.items && typeof schema.items === "object" && !Array.isArray(schema.items)) {
    if (!value.every((item) => matchesSchema(item, schema.items))) return false;
  }
  return true;
}
