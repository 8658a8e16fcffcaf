"""What a conversion pays its partner: which commission rule applies, and how much. Pure, no I/O.

Precedence, from the most specific level to the least (the first level holding a rule that
applies wins):

1. the partner's rule for the conversion's channel
2. the program's rule for that channel
3. the partner's rule for every channel
4. the program's rule for every channel (the program's normal rate)

A rule applies when the conversion's UTC date lies within `valid_from`..`valid_until` (both
inclusive, either may be absent) and, for a fixed sum, when the conversion is in the rule's
currency. Within one level a dated rule beats an undated one (a promotion overrides the
standing rate); among equals the first listed wins.

Kinds: `percent` pays `value` % of the amount; `fixed` pays `value` per conversion;
`relative` pays `value` % of the rate it overrides: at levels 1-2 of the normal rate
(levels 3-4, so "chat sales at 100 % of the normal rate in June" is one dated rule), at
level 3 of level 4. The result is rounded once, half up, to the currency's minor unit.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from waymark.core.currencies import round_money

KINDS = ("percent", "fixed", "relative")
MAX_PERCENT = Decimal(100)
MAX_RELATIVE = Decimal(1000)
_HUNDRED = Decimal(100)
_ZERO = Decimal(0)
# (whose rules, for the conversion's channel?) from the most specific level down.
_LEVELS = (("partner", True), ("program", True), ("partner", False), ("program", False))


@dataclass(frozen=True)
class Price:
    commission: Decimal
    rule: str | None  # which rule priced it, in words, for partners and audits; None: no rule applied


def check_rule(rule: Any) -> None:
    """Raise ValueError when a rule cannot be used (for the screens that edit rules)."""
    if rule.kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    value = Decimal(rule.value)
    if not value.is_finite() or value < 0:
        raise ValueError("value must be a number of at least 0")
    if rule.kind == "percent" and value > MAX_PERCENT:
        raise ValueError("a percentage is at most 100")
    if rule.kind == "relative" and value > MAX_RELATIVE:
        raise ValueError("a relative rule pays at most 1000 % of the rate it overrides")
    if rule.valid_from and rule.valid_until and rule.valid_from > rule.valid_until:
        raise ValueError("valid_from is after valid_until")
    for bound in (rule.valid_from, rule.valid_until):
        if bound:
            date.fromisoformat(bound)


def price(
    amount: Decimal,
    currency: str,
    channel: str,
    on: date,
    *,
    program_rules: Iterable[Any],
    partner_rules: Iterable[Any] = (),
    program_currency: str,
) -> Price:
    """The commission for a sale of `amount` in `currency` through `channel` on day `on`."""
    rules = {"program": list(program_rules), "partner": list(partner_rules)}
    levels = [
        _pick(whose, rules[whose], channel if for_channel else None, on, currency, program_currency)
        for whose, for_channel in _LEVELS
    ]
    found = _evaluate(levels, 0, amount)
    if found is None:
        return Price(_ZERO, None)
    value, words = found
    return Price(round_money(max(value, _ZERO), currency), words)


def _evaluate(levels: Sequence[tuple[str, Any] | None], start: int, amount: Decimal) -> tuple[Decimal, str] | None:
    for index in range(start, len(levels)):
        picked = levels[index]
        if picked is None:
            continue
        words, rule = picked
        value = Decimal(rule.value)
        if rule.kind == "percent":
            return amount * value / _HUNDRED, f"{words}: {value} %"
        if rule.kind == "fixed":
            return value, f"{words}: {value} fixed"
        # relative: of the normal rate below a channel level, else of the next level down
        base = _evaluate(levels, 2 if index < 2 else index + 1, amount)
        if base is None:
            continue
        return base[0] * value / _HUNDRED, f"{words}: {value} % of ({base[1]})"
    return None


def _pick(
    whose: str, rules: list[Any], channel: str | None, on: date, currency: str, program_currency: str
) -> tuple[str, Any] | None:
    day = on.isoformat()
    usable = [r for r in rules if r.channel == channel and _applies(r, day, currency, program_currency)]
    if whose == "program" and channel is None:  # the normal rate: nothing below it for a relative rule
        usable = [r for r in usable if r.kind != "relative"]
    if not usable:
        return None
    dated = [r for r in usable if r.valid_from or r.valid_until]
    rule = (dated or usable)[0]
    return _describe(whose, rule, channel), rule


def _applies(rule: Any, day: str, currency: str, program_currency: str) -> bool:
    try:
        check_rule(rule)
    except (ValueError, ArithmeticError, TypeError):
        return False  # a broken rule pays nothing rather than something unintended
    if rule.valid_from and day < rule.valid_from:
        return False
    if rule.valid_until and day > rule.valid_until:
        return False
    return not (rule.kind == "fixed" and (getattr(rule, "currency", None) or program_currency) != currency)


def _describe(whose: str, rule: Any, channel: str | None) -> str:
    scope = f"{whose}, {channel} sales" if channel else f"{whose}, all sales"
    dates = ""
    if rule.valid_from or rule.valid_until:
        dates = f" {rule.valid_from or '…'}..{rule.valid_until or '…'}"
    note = f" ({rule.note})" if getattr(rule, "note", None) else ""
    return f"{scope}{dates}{note}"
