"""OData $filter → Django Q, for the emulator's entity sets.

Grammar (what IFS clients send): comparisons `Prop op literal` with eq, ne, gt, ge, lt, le;
`and`, `or`, `not`, parentheses; literals 'string' ('' escapes a quote), numbers, true/false/null,
date and date-time values, and qualified enums `IfsApp.Proj.EnumType'Value'`. As in IFS, an
enumeration property only accepts a qualified enum literal: `Objstate eq 'Released'` is an error.
"""

import re
from datetime import date, datetime, timezone
from decimal import Decimal

from django.db.models import Q

_TOKEN = re.compile(r"""\s*(?:
    (?P<lparen>\() | (?P<rparen>\)) |
    (?P<enum>[A-Za-z_][\w.]*'(?:[^']|'')*') |
    (?P<string>'(?:[^']|'')*') |
    (?P<datetime>\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?) |
    (?P<number>-?\d+(?:\.\d+)?) |
    (?P<word>[A-Za-z_]\w*)
)""", re.X)

OPERATORS = {"eq": "exact", "ne": "exact", "gt": "gt", "ge": "gte", "lt": "lt", "le": "lte"}


class FilterError(ValueError):
    """The filter cannot be parsed or does not fit the entity's properties (400 in IFS)."""


class _Literal:
    def __init__(self, kind, value, enum_type=""):
        self.kind, self.value, self.enum_type = kind, value, enum_type


def tokenize(text):
    tokens, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise FilterError(f"Syntax error at position {pos} in $filter: '{text[pos:pos + 20]}'")
        tokens.append((match.lastgroup, match.group(match.lastgroup)))
        pos = match.end()
    return tokens


def _literal(kind, text):
    if kind == "string":
        return _Literal("string", text[1:-1].replace("''", "'"))
    if kind == "enum":
        type_name, _, rest = text.partition("'")
        return _Literal("enum", rest[:-1].replace("''", "'"), type_name)
    if kind == "number":
        return _Literal("number", Decimal(text))
    if kind == "datetime":
        if "T" not in text:
            return _Literal("date", date.fromisoformat(text))
        return _Literal("datetime", datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc))
    if kind == "word" and text in ("true", "false"):
        return _Literal("bool", text == "true")
    if kind == "word" and text == "null":
        return _Literal("null", None)
    raise FilterError(f"Expected a literal, found '{text}'")


class _Parser:
    def __init__(self, text, props):
        self.tokens = tokenize(text)
        self.pos = 0
        self.props = props

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else (None, None)

    def take(self):
        token = self.peek()
        self.pos += 1
        return token

    def parse(self):
        q = self.or_expr()
        if self.pos != len(self.tokens):
            raise FilterError(f"Unexpected '{self.peek()[1]}' in $filter")
        return q

    def or_expr(self):
        q = self.and_expr()
        while self.peek() == ("word", "or"):
            self.take()
            q = q | self.and_expr()
        return q

    def and_expr(self):
        q = self.unary()
        while self.peek() == ("word", "and"):
            self.take()
            q = q & self.unary()
        return q

    def unary(self):
        if self.peek() == ("word", "not"):
            self.take()
            return ~self.unary()
        if self.peek()[0] == "lparen":
            self.take()
            q = self.or_expr()
            if self.take()[0] != "rparen":
                raise FilterError("Missing ')' in $filter")
            return q
        return self.comparison()

    def comparison(self):
        kind, name = self.take()
        if kind != "word":
            raise FilterError(f"Expected a property name, found '{name}'")
        prop = self.props.get(name)
        if prop is None:
            raise FilterError(f"Property '{name}' does not exist or cannot be used in $filter")
        kind, op = self.take()
        if kind != "word" or op not in OPERATORS:
            raise FilterError(f"Unsupported operator '{op}' after {name} (use eq, ne, gt, ge, lt or le)")
        kind, text = self.take()
        if kind is None:
            raise FilterError(f"Missing value after '{name} {op}'")
        value = prop.filter_value(_literal(kind, text))
        if value is None:
            q = Q(**{f"{prop.path}__isnull": True})
            return ~q if op == "ne" else q
        q = Q(**{f"{prop.path}__{OPERATORS[op]}": value})
        return ~q if op == "ne" else q


def to_q(text, props):
    """Q for a $filter over `props` ({OData name: Prop}); raises FilterError."""
    return _Parser(text, props).parse()
