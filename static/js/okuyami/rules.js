/**
 * The applies-when language of the procedure catalogue on the tablet: the same tokenizer, recursive-descent
 * parser and three-valued evaluator as server/okuyami/rules.py, which stays the reference.
 *
 *     or         := and (("or" | "||") and)*
 *     and        := not (("and" | "&&") not)*
 *     not        := ("not" | "!") not | comparison
 *     comparison := operand ((== | != | >= | > | <= | <) operand | "in" list)?
 *     operand    := path | number | string | true | false | "(" or ")"
 *
 * A rule from a data file is read by this parser and never handed to eval or Function: it must not be
 * able to run code on the desk's tablet. The server checks every rule when it starts, so the tablet
 * only parses and evaluates.
 */

export class RuleError extends Error {}

/** The answer わからない. */
export const UNKNOWN = Symbol("unknown");

const SYMBOLS = ["&&", "||", "==", "!=", ">=", "<=", "!", ">", "<", "(", ")", "[", "]", ","];
const WORDS = { and: "&&", or: "||", not: "!", in: "in" };
const COMPARISONS = ["==", "!=", ">=", ">", "<=", "<"];
const SPACE = /\s/u;
const DIGIT = /[0-9]/;
const WORD_START = /[\p{L}_]/u;
const WORD_PART = /[\p{L}\p{N}_.]/u;

export function tokenize(source) {
  const tokens = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i];
    if (SPACE.test(char)) { i += 1; continue; }
    if (char === '"') {
      const end = source.indexOf('"', i + 1);
      if (end < 0) throw new RuleError(`unterminated string starting at position ${i + 1}`);
      tokens.push({ kind: "string", text: source.slice(i, end + 1), position: i, value: source.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    if (DIGIT.test(char)) {
      let j = i;
      while (j < source.length && DIGIT.test(source[j])) j += 1;
      tokens.push({ kind: "number", text: source.slice(i, j), position: i, value: Number(source.slice(i, j)) });
      i = j;
      continue;
    }
    if (WORD_START.test(char)) {
      let j = i;
      while (j < source.length && WORD_PART.test(source[j])) j += 1;
      const word = source.slice(i, j);
      if (Object.hasOwn(WORDS, word)) tokens.push({ kind: "op", text: WORDS[word], position: i });
      else if (word === "true" || word === "false") tokens.push({ kind: "bool", text: word, position: i, value: word === "true" });
      else {
        if (word.endsWith(".") || word.includes("..")) throw new RuleError(`malformed field name '${word}' at position ${i + 1}`);
        tokens.push({ kind: "path", text: word, position: i });
      }
      i = j;
      continue;
    }
    const symbol = SYMBOLS.find((s) => source.startsWith(s, i));
    if (!symbol) throw new RuleError(`unexpected character '${char}' at position ${i + 1}`);
    tokens.push({ kind: "op", text: symbol, position: i });
    i += symbol.length;
  }
  tokens.push({ kind: "end", text: "", position: source.length });
  return tokens;
}

/* Syntax tree: {type: "field", path} | {type: "constant", value} | {type: "not", operand}
 * | {type: "and"|"or", operands} | {type: "compare", op, left, right} | {type: "in", operand, choices} */

class Parser {
  constructor(source) {
    this.tokens = tokenize(source);
    this.index = 0;
  }

  get current() { return this.tokens[this.index]; }

  advance() { const token = this.current; this.index += 1; return token; }

  at(op) { return this.current.kind === "op" && this.current.text === op; }

  where() {
    const token = this.current;
    return token.kind === "end" ? "but the expression ended" : `at position ${token.position + 1} ('${token.text}')`;
  }

  expect(op) {
    if (!this.at(op)) throw new RuleError(`expected '${op}' ${this.where()}`);
    this.advance();
  }

  parse() {
    if (this.current.kind === "end") throw new RuleError("the expression is empty");
    const node = this.or();
    if (this.current.kind !== "end") {
      throw new RuleError(`unexpected '${this.current.text}' at position ${this.current.position + 1}`);
    }
    return node;
  }

  or() {
    const operands = [this.and()];
    while (this.at("||")) { this.advance(); operands.push(this.and()); }
    return operands.length === 1 ? operands[0] : { type: "or", operands };
  }

  and() {
    const operands = [this.not()];
    while (this.at("&&")) { this.advance(); operands.push(this.not()); }
    return operands.length === 1 ? operands[0] : { type: "and", operands };
  }

  not() {
    if (this.at("!")) { this.advance(); return { type: "not", operand: this.not() }; }
    return this.comparison();
  }

  comparison() {
    const left = this.operand();
    if (this.current.kind === "op" && COMPARISONS.includes(this.current.text)) {
      const op = this.advance().text;
      return { type: "compare", op, left, right: this.operand() };
    }
    if (this.at("in")) { this.advance(); return { type: "in", operand: left, choices: this.list() }; }
    return left;
  }

  operand() {
    const token = this.current;
    if (token.kind === "path") { this.advance(); return { type: "field", path: token.text }; }
    if (["number", "string", "bool"].includes(token.kind)) { this.advance(); return { type: "constant", value: token.value }; }
    if (this.at("(")) {
      this.advance();
      const node = this.or();
      this.expect(")");
      return node;
    }
    throw new RuleError(`expected a field, a value or '(' ${this.where()}`);
  }

  literal() {
    const token = this.current;
    if (!["number", "string", "bool"].includes(token.kind)) throw new RuleError(`expected a value in the list ${this.where()}`);
    this.advance();
    return token.value;
  }

  list() {
    this.expect("[");
    const items = [this.literal()];
    while (this.at(",")) { this.advance(); items.push(this.literal()); }
    this.expect("]");
    return items;
  }
}

/** Parse an applies-when expression; throws RuleError with the position of the problem. */
export function parse(source) {
  return new Parser(source).parse();
}

/** Every field path an expression reads. */
export function fieldsOf(node) {
  switch (node.type) {
    case "field": return new Set([node.path]);
    case "constant": return new Set();
    case "not": return fieldsOf(node.operand);
    case "and": case "or": return new Set(node.operands.flatMap((o) => [...fieldsOf(o)]));
    case "compare": return new Set([...fieldsOf(node.left), ...fieldsOf(node.right)]);
    case "in": return fieldsOf(node.operand);
    default: throw new TypeError(node.type);
  }
}

/* Kleene's logic: false and unknown is false, true or unknown is true, otherwise unknown wins. */

function all(values) {
  if (values.some((v) => v === false)) return false;
  return values.some((v) => v === UNKNOWN) ? UNKNOWN : true;
}

function any(values) {
  if (values.some((v) => v === true)) return true;
  return values.some((v) => v === UNKNOWN) ? UNKNOWN : false;
}

function compare(op, left, right) {
  switch (op) {
    case "==": return left === right;
    case "!=": return left !== right;
    case ">=": return left >= right;
    case ">": return left > right;
    case "<=": return left <= right;
    default: return left < right;
  }
}

function valueOf(node, answers) {
  if (node.type === "field") return lookup(answers, node.path);
  if (node.type === "constant") return node.value;
  return evaluate(node, answers);
}

function lookup(answers, path) {
  if (!Object.hasOwn(answers, path)) throw new RuleError(`no answer for ${path}`);
  return answers[path];
}

/** true, false or UNKNOWN for a checked expression over complete answers (defaults applied). */
export function evaluate(node, answers) {
  switch (node.type) {
    case "field": {
      const value = lookup(answers, node.path);
      return value === UNKNOWN || typeof value === "boolean" ? value : Boolean(value);
    }
    case "constant": return Boolean(node.value);
    case "not": {
      const inner = evaluate(node.operand, answers);
      return inner === UNKNOWN ? UNKNOWN : !inner;
    }
    // Every operand is evaluated (no short cut) so that a false beats an earlier unknown.
    case "and": return all(node.operands.map((o) => evaluate(o, answers)));
    case "or": return any(node.operands.map((o) => evaluate(o, answers)));
    case "compare": {
      const a = valueOf(node.left, answers);
      const b = valueOf(node.right, answers);
      return a === UNKNOWN || b === UNKNOWN ? UNKNOWN : compare(node.op, a, b);
    }
    case "in": {
      const value = valueOf(node.operand, answers);
      return value === UNKNOWN ? UNKNOWN : node.choices.includes(value);
    }
    default: throw new TypeError(node.type);
  }
}
