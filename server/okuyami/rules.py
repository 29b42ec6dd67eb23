"""The applies-when language of the procedure catalogue: a tokenizer, a recursive-descent parser and
a three-valued evaluator.

Grammar (lowest precedence first)::

    expr       := or
    or         := and (("or" | "||") and)*
    and        := not (("and" | "&&") not)*
    not        := ("not" | "!") not | comparison
    comparison := operand ((== | != | >= | > | <= | <) operand | "in" list)?
    operand    := path | number | string | true | false | "(" expr ")"
    list       := "[" literal ("," literal)* "]"

Answers may be unknown (わからない). Unknown propagates by Kleene's logic: ``false and unknown`` is
false, ``true or unknown`` is true, anything else touching unknown is unknown. The caller decides
what an unknown rule means (the procedure goes to the 要確認 list). Expressions are never handed to
``eval``: a rule from a data file must not be able to run code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum


class RuleError(ValueError):
    """An expression that cannot be parsed or does not fit the intake fields; says where."""


class Unknown(Enum):
    """The answer わからない. A singleton so that ``value is UNKNOWN`` reads naturally."""

    UNKNOWN = "unknown"

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown.UNKNOWN
Scalar = bool | int | str
Value = Scalar | Unknown
Truth = bool | Unknown


# --- tokens -------------------------------------------------------------------------------------

_SYMBOLS = ("&&", "||", "==", "!=", ">=", "<=", "!", ">", "<", "(", ")", "[", "]", ",")
_WORDS = {"and": "&&", "or": "||", "not": "!", "in": "in"}


@dataclass(frozen=True)
class Token:
    kind: str  # "op", "path", "number", "string", "bool", "end"
    text: str
    position: int
    value: Scalar | None = None


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char.isspace():
            i += 1
            continue
        if char == '"':
            end = source.find('"', i + 1)
            if end < 0:
                raise RuleError(f"unterminated string starting at position {i + 1}")
            tokens.append(Token("string", source[i : end + 1], i, source[i + 1 : end]))
            i = end + 1
            continue
        if char.isdigit():
            j = i
            while j < len(source) and source[j].isdigit():
                j += 1
            tokens.append(Token("number", source[i:j], i, int(source[i:j])))
            i = j
            continue
        if char.isalpha() or char == "_":
            j = i
            while j < len(source) and (source[j].isalnum() or source[j] in "_."):
                j += 1
            word = source[i:j]
            if word in _WORDS:
                tokens.append(Token("op", _WORDS[word], i))
            elif word in ("true", "false"):
                tokens.append(Token("bool", word, i, word == "true"))
            else:
                if word.endswith(".") or ".." in word:
                    raise RuleError(f"malformed field name {word!r} at position {i + 1}")
                tokens.append(Token("path", word, i))
            i = j
            continue
        for symbol in _SYMBOLS:
            if source.startswith(symbol, i):
                tokens.append(Token("op", symbol, i))
                i += len(symbol)
                break
        else:
            raise RuleError(f"unexpected character {char!r} at position {i + 1}")
    tokens.append(Token("end", "", len(source)))
    return tokens


# --- syntax tree --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    path: str


@dataclass(frozen=True)
class Constant:
    value: Scalar


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class BoolOp:
    op: str  # "&&" or "||"
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Compare:
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class InList:
    operand: Node
    choices: tuple[Scalar, ...]


Node = Field | Constant | Not | BoolOp | Compare | InList

_COMPARISONS = ("==", "!=", ">=", ">", "<=", "<")


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = tokenize(source)
        self.index = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def _advance(self) -> Token:
        token = self.current
        self.index += 1
        return token

    def _at(self, op: str) -> bool:
        return self.current.kind == "op" and self.current.text == op

    def _expect(self, op: str) -> None:
        if not self._at(op):
            raise RuleError(f"expected {op!r} {self._where()}")
        self._advance()

    def _where(self) -> str:
        token = self.current
        if token.kind == "end":
            return "but the expression ended"
        return f"at position {token.position + 1} ({token.text!r})"

    def parse(self) -> Node:
        if self.current.kind == "end":
            raise RuleError("the expression is empty")
        node = self._or()
        if self.current.kind != "end":
            raise RuleError(f"unexpected {self.current.text!r} at position {self.current.position + 1}")
        return node

    def _or(self) -> Node:
        operands = [self._and()]
        while self._at("||"):
            self._advance()
            operands.append(self._and())
        return operands[0] if len(operands) == 1 else BoolOp("||", tuple(operands))

    def _and(self) -> Node:
        operands = [self._not()]
        while self._at("&&"):
            self._advance()
            operands.append(self._not())
        return operands[0] if len(operands) == 1 else BoolOp("&&", tuple(operands))

    def _not(self) -> Node:
        if self._at("!"):
            self._advance()
            return Not(self._not())
        return self._comparison()

    def _comparison(self) -> Node:
        left = self._operand()
        if self.current.kind == "op" and self.current.text in _COMPARISONS:
            op = self._advance().text
            return Compare(op, left, self._operand())
        if self._at("in"):
            self._advance()
            return InList(left, self._list())
        return left

    def _operand(self) -> Node:
        token = self.current
        if token.kind == "path":
            self._advance()
            return Field(token.text)
        if token.kind in ("number", "string", "bool"):
            self._advance()
            assert token.value is not None
            return Constant(token.value)
        if self._at("("):
            self._advance()
            node = self._or()
            self._expect(")")
            return node
        raise RuleError(f"expected a field, a value or '(' {self._where()}")

    def _literal(self) -> Scalar:
        token = self.current
        if token.kind not in ("number", "string", "bool"):
            raise RuleError(f"expected a value in the list {self._where()}")
        self._advance()
        assert token.value is not None
        return token.value

    def _list(self) -> tuple[Scalar, ...]:
        self._expect("[")
        items = [self._literal()]
        while self._at(","):
            self._advance()
            items.append(self._literal())
        self._expect("]")
        return tuple(items)


def parse(source: str) -> Node:
    """Parse an applies-when expression; raises RuleError with the position of the problem."""
    return _Parser(source).parse()


def fields_of(node: Node) -> set[str]:
    """Every field path an expression reads."""
    match node:
        case Field(path):
            return {path}
        case Constant():
            return set()
        case Not(operand):
            return fields_of(operand)
        case BoolOp(_, operands):
            return set().union(*(fields_of(o) for o in operands))
        case Compare(_, left, right):
            return fields_of(left) | fields_of(right)
        case InList(operand, _):
            return fields_of(operand)
    raise TypeError(node)  # pragma: no cover - the match is exhaustive


# --- type checking against the intake fields ----------------------------------------------------

TypeOf = Callable[[str], "type[bool] | type[int] | tuple[str, ...]"]
"""Gives a field's type: bool, int, or the tuple of its allowed string values; KeyError if unknown."""


def check(node: Node, type_of: TypeOf) -> None:
    """Reject rules that could never be evaluated meaningfully: unknown fields, wrong value types,
    enum values the intake cannot hold. Catching these when the catalogue loads beats a silently
    wrong guide."""
    _check_boolean(node, type_of)


def _operand_type(node: Node, type_of: TypeOf) -> type[bool] | type[int] | tuple[str, ...] | type[str]:
    if isinstance(node, Field):
        try:
            return type_of(node.path)
        except KeyError:
            raise RuleError(f"unknown field {node.path!r}") from None
    if isinstance(node, Constant):
        return type(node.value)
    _check_boolean(node, type_of)
    return bool


def _check_literal(
    kind: type[bool] | type[int] | tuple[str, ...] | type[str], value: Scalar, where: str
) -> None:
    if isinstance(kind, tuple):
        if not isinstance(value, str) or value not in kind:
            raise RuleError(f"{value!r} is not a possible value of {where} (one of {', '.join(kind)})")
    elif type(value) is not kind:
        raise RuleError(f"{value!r} cannot be compared with {where}, which holds {kind.__name__} values")


def _check_boolean(node: Node, type_of: TypeOf) -> None:
    match node:
        case Field(path):
            if _operand_type(node, type_of) is not bool:
                raise RuleError(f"{path!r} is not a yes/no field; compare it with a value")
        case Constant(value):
            if not isinstance(value, bool):
                raise RuleError(f"{value!r} is not a condition")
        case Not(operand):
            _check_boolean(operand, type_of)
        case BoolOp(_, operands):
            for operand in operands:
                _check_boolean(operand, type_of)
        case Compare(op, left, right):
            fields = [side for side in (left, right) if isinstance(side, Field)]
            if not fields:
                raise RuleError("a comparison needs a field on one side")
            kind = _operand_type(fields[0], type_of)
            where = repr(fields[0].path)
            other = right if left is fields[0] else left
            if isinstance(other, Constant):
                _check_literal(kind, other.value, where)
            elif _operand_type(other, type_of) != kind:
                raise RuleError(f"{where} and {other!r} hold different kinds of values")
            if op not in ("==", "!=") and kind is not int:
                raise RuleError(f"{op} needs a number field, and {where} is not one")
        case InList(operand, choices):
            if not isinstance(operand, Field):
                raise RuleError("'in' needs a field on its left")
            kind = _operand_type(operand, type_of)
            for choice in choices:
                _check_literal(kind, choice, repr(operand.path))


# --- evaluation ---------------------------------------------------------------------------------


def _and(values: list[Truth]) -> Truth:
    if any(v is False for v in values):
        return False
    if any(v is UNKNOWN for v in values):
        return UNKNOWN
    return True


def _or(values: list[Truth]) -> Truth:
    if any(v is True for v in values):
        return True
    if any(v is UNKNOWN for v in values):
        return UNKNOWN
    return False


def _compare(op: str, left: Scalar, right: Scalar) -> bool:
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    # check() guarantees ordered comparisons only meet numbers.
    assert isinstance(left, int) and isinstance(right, int)
    if op == ">=":
        return left >= right
    if op == ">":
        return left > right
    if op == "<=":
        return left <= right
    return left < right


def _value(node: Node, answers: Mapping[str, Value]) -> Value:
    if isinstance(node, Field):
        return answers[node.path]
    if isinstance(node, Constant):
        return node.value
    return evaluate(node, answers)


def evaluate(node: Node, answers: Mapping[str, Value]) -> Truth:
    """True, False or UNKNOWN for a checked expression over complete answers (defaults applied)."""
    match node:
        case Field(path):
            value = answers[path]
            return value if isinstance(value, bool | Unknown) else bool(value)
        case Constant(value):
            return bool(value)
        case Not(operand):
            inner = evaluate(operand, answers)
            return inner if inner is UNKNOWN else not inner
        case BoolOp("&&", operands):
            # Every operand is evaluated (no short cut) so that a false beats an earlier unknown.
            return _and([evaluate(o, answers) for o in operands])
        case BoolOp(_, operands):
            return _or([evaluate(o, answers) for o in operands])
        case Compare(op, left, right):
            a, b = _value(left, answers), _value(right, answers)
            if a is UNKNOWN or b is UNKNOWN:
                return UNKNOWN
            assert not isinstance(a, Unknown) and not isinstance(b, Unknown)
            return _compare(op, a, b)
        case InList(operand, choices):
            value = _value(operand, answers)
            if value is UNKNOWN:
                return UNKNOWN
            return value in choices
    raise TypeError(node)  # pragma: no cover - the match is exhaustive
