"""Date expressions in eight languages, resolved against the day the reply is read.

Every expression becomes a window of days, once looking forward and once looking back, so
the caller can take the reading that fits: a promise looks forward, a payment looks back.

Rules for vague expressions (documented so that the follow-up dates are predictable):
- "next week" is Monday to Friday of the next calendar week; "this week" / "end of the week"
  runs to this week's Friday (on a weekend, next week's Friday).
- "<weekday>" and "this <weekday>" are the next such day after today; "next <weekday>" is
  that day in the next calendar week; "last <weekday>" is the most recent one before today.
- "end of (the) month" is its last day; "next month" is the whole of next month;
  "beginning / early <month>" is its 1st to 7th; "mid <month>" its 15th.
- "the 15th" is the next 15th on or after today; a day and month without a year is the next
  such date on or after today (looking back: the latest on or before today).
- "in 10 days" is today + 10; "within 10 days" is today up to today + 10.
- Numeric dates are day first, except in English replies on a USD account, where an
  ambiguous 05/12/2026 is read month first (US style); 2026-12-05 is always ISO.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from recoup.reader.lexicon import (
    MONTH_FULL_PATTERN,
    MONTH_PATTERN,
    MONTHS,
    NUMBER_PATTERN,
    WEEKDAY_PATTERN,
    WEEKDAYS,
    number_value,
)

Day = datetime.date
Window = tuple[Day, Day]


@dataclass(frozen=True)
class DateHit:
    start: int
    end: int
    future: Window  # the reading looking forward from today
    past: Window  # the reading looking back from today
    explicit: bool = False  # written with a year: no rolling over


@dataclass(frozen=True)
class _Context:
    today: Day
    month_first: bool
    language: str


_Handler = Callable[[re.Match[str], _Context], tuple[Window, Window] | None]


def _same(window: Window) -> tuple[Window, Window]:
    return window, window


def _day(d: Day) -> Window:
    return d, d


def _eom(d: Day) -> Day:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _add_months(d: Day, months: int) -> Day:
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return Day(year, month + 1, min(d.day, last))


def _monday(d: Day) -> Day:
    return d - datetime.timedelta(days=d.weekday())


def _safe(year: int, month: int, day: int) -> Day | None:
    try:
        return Day(year, month, day)
    except ValueError:
        return None


def _year_of(text: str | None) -> int | None:
    if not text:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def _yearless(today: Day, month: int, day: int) -> tuple[Window, Window] | None:
    ahead = _safe(today.year, month, day)
    ahead_next = _safe(today.year + 1, month, day)
    behind_prev = _safe(today.year - 1, month, day)
    if ahead is None and ahead_next is None:
        return None
    future = ahead if ahead is not None and ahead >= today else ahead_next
    past = ahead if ahead is not None and ahead <= today else behind_prev
    future = future or ahead
    past = past or ahead
    if future is None or past is None:
        return None
    return _day(future), _day(past)


def _absolute(year: int, month: int, day: int) -> tuple[Window, Window] | None:
    value = _safe(year, month, day)
    return _same(_day(value)) if value else None


def _month_window(today: Day, month: int, first: int, last: int | None) -> tuple[Window, Window]:
    def window(year: int) -> Window:
        end_day = last or calendar.monthrange(year, month)[1]
        return Day(year, month, first), Day(year, month, min(end_day, 31))

    this_year = window(today.year)
    future = this_year if this_year[1] >= today else window(today.year + 1)
    past = this_year if this_year[0] <= today else window(today.year - 1)
    return future, past


def _day_of_month(today: Day, day: int) -> tuple[Window, Window] | None:
    if not 1 <= day <= 31:
        return None
    future = past = None
    for offset in range(13):
        candidate = _add_months(today.replace(day=1), offset)
        value = _safe(candidate.year, candidate.month, day)
        if value and value >= today:
            future = value
            break
    for offset in range(0, -13, -1):
        candidate = _add_months(today.replace(day=1), offset)
        value = _safe(candidate.year, candidate.month, day)
        if value and value <= today:
            past = value
            break
    if future is None or past is None:
        return None
    return _day(future), _day(past)


def _next_weekday(today: Day, weekday: int, include_today: bool = False) -> Day:
    delta = (weekday - today.weekday()) % 7
    if delta == 0 and not include_today:
        delta = 7
    return today + datetime.timedelta(days=delta)


def _last_weekday(today: Day, weekday: int) -> Day:
    delta = (today.weekday() - weekday) % 7 or 7
    return today - datetime.timedelta(days=delta)


def _this_week(today: Day) -> Window:
    friday = _monday(today) + datetime.timedelta(days=4)
    if friday < today:
        friday += datetime.timedelta(days=7)
    return today, friday


def _next_week(today: Day) -> Window:
    monday = _monday(today) + datetime.timedelta(days=7)
    return monday, monday + datetime.timedelta(days=4)


def _add_business_days(today: Day, days: int) -> Day:
    current = today
    while days > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


# --------------------------------------------------------------------------- handlers


def _numeric_full(match: re.Match[str], ctx: _Context) -> tuple[Window, Window] | None:
    first, second, year = int(match["a"]), int(match["b"]), _year_of(match["y"])
    assert year is not None
    month_first = second > 12 or (first <= 12 and ctx.month_first)
    day, month = (second, first) if month_first else (first, second)
    return _absolute(year, month, day)


def _iso(match: re.Match[str], ctx: _Context) -> tuple[Window, Window] | None:
    return _absolute(int(match["y"]), int(match["m"]), int(match["d"]))


def _numeric_short(match: re.Match[str], ctx: _Context) -> tuple[Window, Window] | None:
    first, second = int(match["a"]), int(match["b"])
    month_first = second > 12 or (first <= 12 and ctx.month_first and match["sep"] == "/")
    day, month = (second, first) if month_first else (first, second)
    if not 1 <= month <= 12:
        return None
    return _yearless(ctx.today, month, day)


def _textual(match: re.Match[str], ctx: _Context) -> tuple[Window, Window] | None:
    month = MONTHS[match["month"].rstrip(".")]
    day = int(match["day"])
    year = _year_of(match["year"])
    if year:
        return _absolute(year, month, day)
    return _yearless(ctx.today, month, day)


def _month_part(first: int, last: int | None) -> _Handler:
    def handler(match: re.Match[str], ctx: _Context) -> tuple[Window, Window] | None:
        month = MONTHS[match["month"].rstrip(".")]
        return _month_window(ctx.today, month, first, last)

    return handler


def _relative(compute: Callable[[Day], Window]) -> _Handler:
    def handler(match: re.Match[str], ctx: _Context) -> tuple[Window, Window] | None:
        return _same(compute(ctx.today))

    return handler


_FORTNIGHT_WORDS = frozenset({"quinze", "quince", "quindici"})


def _span(match: re.Match[str], ctx: _Context) -> tuple[Window, Window] | None:
    """ "In 3 days", "within two weeks", "in 1-2 business days" (from the first to the last)."""
    low = match.groupdict().get("low")
    low_count = number_value(low) if low else None
    window = _span_end(match, ctx, match["n"])
    if window is None or low_count is None or low is None:
        return window
    first = _span_end(match, ctx, low)
    if first is None or first[0][1] > window[0][1]:
        return window
    return _same((first[0][1], window[0][1]))


def _span_end(match: re.Match[str], ctx: _Context, number: str) -> tuple[Window, Window] | None:
    count = number_value(number)
    if count is None or count > 400:
        return None
    unit = match["unit"]
    today = ctx.today
    if unit.startswith(("mo", "mes", "maa", "mon", "mie")):
        end = _add_months(today, count)
    elif unit.startswith(("w", "se", "sett", "ty")) or unit in {"quinzaine"}:
        end = today + datetime.timedelta(days=7 * count)
    elif match.groupdict().get("business") or match.groupdict().get("business2"):
        end = _add_business_days(today, count)
    elif number in _FORTNIGHT_WORDS:
        # "dans quinze jours", "en quince días": a fortnight, not fifteen days.
        end = today + datetime.timedelta(days=14)
    else:
        end = today + datetime.timedelta(days=count)
    start = today if match.groupdict().get("within") else end
    return _same((start, end))


def _weekday(kind: str) -> _Handler:
    def handler(match: re.Match[str], ctx: _Context) -> tuple[Window, Window] | None:
        weekday = WEEKDAYS[match["wd"]]
        today = ctx.today
        if kind == "next":
            value = _monday(today) + datetime.timedelta(days=7 + weekday)
            return _same(_day(value))
        if kind == "last":
            return _same(_day(_last_weekday(today, weekday)))
        ahead = _next_weekday(today, weekday, include_today=kind == "this")
        return _day(ahead), _day(_last_weekday(today, weekday))

    return handler


def _dom(match: re.Match[str], ctx: _Context) -> tuple[Window, Window] | None:
    return _day_of_month(ctx.today, int(match["dom"]))


def _weekday_numeric(match: re.Match[str], ctx: _Context) -> tuple[Window, Window] | None:
    """ "Freitag, den 12.12.", "vendredi 12/12": the numbers decide, the weekday only leads."""
    if match["y"]:
        return _numeric_full(match, ctx)
    return _numeric_short(match, ctx)


def _mid_month(today: Day) -> Window:
    value = today.replace(day=15)
    if value < today:
        value = _add_months(value, 1)
    return _day(value)


def _end_of_year(today: Day) -> Window:
    return _day(Day(today.year, 12, 31))


def _blocked(match: re.Match[str], ctx: _Context) -> tuple[Window, Window] | None:
    return None


# --------------------------------------------------------------------------- patterns

_WD = rf"(?P<wd>{WEEKDAY_PATTERN})"
_ORDINAL_NOUN = (
    r"(?:(?:payment\s+|pay\s+|check\s+|cheque\s+)?(?:runs?|batch|cycle)|time|reminders?"
    r"|notices?|attempts?|instal?lments?|tranches?|quarter|half|floor|invoices?|letters?"
    r"|emails?|calls?|request)\b"
)
_M = rf"(?P<month>{MONTH_PATTERN})"
_MF = rf"(?P<month>{MONTH_FULL_PATTERN})"
_ORD = r"(?:st|nd|rd|th|er|re|e|eme|de|ste|o|°|º|\.)?"
_LEAD_WD = rf"(?:{WEEKDAY_PATTERN},?\s+(?:the\s+|le\s+|den\s+|el\s+|il\s+|de\s+)?)?"

_DAY = r"(?:days?|jours?|tag(?:e|en)?|dias?|dag(?:en)?|giorn[oi]|dni|dzien|dnia)(?![a-z])"
_WEEK = (
    r"(?:weeks?|semaines?|woche(?:n)?|semanas?|weken|settiman[ae]|tygodni[ea]?|tydzien)(?![a-z])"
)
_MONTH_UNIT = (
    r"(?:months?|mois|monat(?:e|en)?|mes(?:es)?|maand(?:en)?|mes[ei]|miesiac[ea]?|miesiecy)"
    r"(?![a-z])"
)
# "1-2", "two to three", "3 ou 4", "2 bis 3": a range of days or weeks.
_RANGE = r"\s*(?:-|–|—|to|or|ou|o|a|à|bis|oder|tot|of|e)\s*"
_BUSINESS = r"(?P<business>business|working|werk|ouvres|ouvrables|habiles|laborables|lavorativi)"

_TOMORROW = r"tomorrow|demain|morgen(?: fruh)?|manana|domani|amanha|jutro"
# "By EOD tomorrow", "COB Friday": the day named after the end of day is the day.
_END_OF_DAY = (
    r"(?:end of (?:the )?day|by eod|eod|cob|close of business)"
    rf"(?!\s+(?:on\s+|of\s+)?(?:{_TOMORROW}|{WEEKDAY_PATTERN}|\d))"
)
_TODAY = (
    rf"today|tonight|this (?:afternoon|evening|morning)|{_END_OF_DAY}"
    r"|aujourd'hui|aujourd hui|ce jour|ce soir|heute(?: morgen| fruh| noch)?"
    r"|noch heute|hoy|esta manana|esta tarde|vandaag|oggi|immediately|right away|straight away"
    r"|immediatement|sofort|umgehend|unverzuglich|inmediatamente|de inmediato|enseguida"
    r"|meteen|onmiddellijk|subito|immediatamente|hoje|ainda hoje|dzisiaj|dzis|jeszcze dzis"
    r"|od razu|natychmiast"
)
_AFTER_TOMORROW = (
    r"(?:the )?day after tomorrow|apres-demain|apres demain|ubermorgen|uebermorgen"
    r"|pasado manana|overmorgen|dopodomani|depois de amanha|pojutrze"
)
_YESTERDAY = r"yesterday|gestern|ayer|gisteren|ieri|ontem|wczoraj"
_BEFORE_YESTERDAY = (
    r"(?:the )?day before yesterday|avant-hier|avant hier|vorgestern|anteayer|antier"
    r"|eergisteren|l'altro ieri|altroieri"
)
_THIS_WEEK = (
    r"(?:by |at )?(?:the )?end of (?:the |this )?week|this week|later this week"
    r"|cette semaine|(?:en |d'ici la )?fin de (?:la |cette )?semaine"
    r"|diese(?:r)? woche|ende (?:der|dieser) woche|(?:bis )?zum wochenende|bis ende der woche"
    r"|im laufe der woche|noch diese woche|esta semana|(?:a )?(?:finales|final|fin) de"
    r" (?:esta )?semana|deze week|(?:aan het )?(?:eind|einde) (?:van )?(?:deze|de) week"
    r"|later deze week|questa settimana|(?:entro )?(?:la |il )?fine (?:della |di questa )?settimana"
    r"|in settimana|(?:ainda )?(?:esta|nesta) semana"
    r"|(?:ate o |ao )?(?:fim|final) d(?:a|esta) semana"
    r"|w tym tygodniu|do konca (?:tego )?tygodnia|z koncem tygodnia"
)
_NEXT_WEEK = (
    r"next week|the coming week|the following week|la semaine prochaine|semaine prochaine"
    r"|la semaine suivante|courant de la semaine prochaine"
    r"|n(?:a|ae)chste(?:n|r)? woche|kommende(?:n|r)? woche|der folgenden woche"
    r"|la (?:proxima|siguiente) semana|la semana (?:que viene|proxima|siguiente)"
    r"|volgende week|komende week|de week erop"
    r"|la prossima settimana|(?:la )?settimana (?:prossima|entrante|successiva|che viene)"
    r"|(?:na )?(?:proxima|seguinte) semana|(?:na )?semana que vem"
    r"|w (?:przyszlym|przyszłym|nastepnym|kolejnym) tygodniu"
)
_EARLY_NEXT_WEEK = (
    r"(?:early|beginning of|start of) next week|debut (?:de (?:la )?)?semaine prochaine"
    r"|anfang (?:der )?n(?:a|ae)chste(?:n|r)? woche|(?:a )?(?:principios|comienzos|inicio) de la"
    r" (?:proxima|siguiente) semana|begin volgende week|(?:a |ad )?inizio (?:della )?"
    r"(?:prossima settimana|settimana prossima)"
)
_END_NEXT_WEEK = (
    r"(?:the )?end of next week|late next week|end of the following week"
    r"|fin de (?:la )?semaine prochaine|ende (?:der )?n(?:a|ae)chste(?:n|r) woche"
    r"|ende kommender woche|(?:a )?(?:finales|final|fin) de la (?:proxima|siguiente) semana"
    r"|(?:a )?(?:finales|final|fin) de la semana que viene"
    r"|(?:eind|einde) (?:van )?volgende week|(?:entro )?(?:la )?fine (?:della )?"
    r"(?:prossima settimana|settimana prossima)"
)
_LAST_WEEK = (
    r"last week|(?:the )?previous week|la semaine derniere|la semaine passee"
    r"|letzte(?:n|r)? woche|vergangene(?:n|r)? woche|vorige(?:n|r)? woche"
    r"|la semana pasada|la semana anterior|vorige week|afgelopen week|verleden week"
    r"|(?:la )?settimana scorsa|la settimana passata"
)
_LAST_MONTH = (
    r"last month|(?:the )?previous month|le mois dernier|le mois precedent|letzte(?:n|r)? monat"
    r"|vorige(?:n|r)? monat|im vormonat|el mes pasado|el mes anterior|vorige maand"
    r"|afgelopen maand|il mese scorso|lo scorso mese|il mese passato"
)
_END_OF_MONTH = (
    r"(?:the )?end of (?:the |this )?month|month[- ]end|(?:the )?end-of-month|eom"
    r"|(?:la )?fin (?:du|de|de ce) mois|fin de mois|fin du mois courant"
    r"|ende (?:des|dieses|diesen) monats|monatsende|ende monat"
    r"|(?:a )?(?:fin|finales|final|fines) de(?:l)? (?:este )?mes"
    r"|(?:aan het )?(?:eind|einde) (?:van )?(?:de|deze) maand|(?:eind|einde) (?:deze )?maand"
    r"|(?:la )?fine (?:del |di questo )?mese|fine mese"
    r"|(?:ate o |ate ao |no |ao )?(?:fim|final) d(?:o|este) mes|(?:o )?ultimo dia (?:do|deste) mes"
    r"|(?:do |z )?konc(?:a|em) (?:tego |biezacego )?miesiaca|koniec (?:tego )?miesiaca"
    r"|ostatni(?:ego)? dni(?:a|u)? miesiaca|(?:the )?last (?:business |working )?day of"
    r" (?:the |this )?month|(?:le )?dernier jour du mois|letzte(?:n|r)? tag(?:es)? des monats"
    r"|(?:el )?ultimo dia del mes|(?:l')?ultimo giorno del mese"
    r"|(?:per |tegen |zum |bis |ab )ultimo|ultimo (?:van )?(?:deze |de )?maand"
)
_THIS_MONTH = (
    r"this month|later this month|ce mois-ci|courant du mois|dans le courant du mois"
    r"|diesen monat|noch in diesem monat|im laufe des monats|este mes|deze maand"
    r"|questo mese|entro il mese|nel corso del mese"
)
_END_NEXT_MONTH = (
    r"(?:the )?end of (?:the )?(?:next|following) month|next month[- ]end"
    r"|(?:la )?fin (?:du|de) mois prochain|fin du mois suivant"
    r"|ende (?:des )?n(?:a|ae)chsten monats|ende n(?:a|ae)chsten monat|ende (?:des )?kommenden"
    r" monats|ende (?:des )?folgemonats"
    r"|(?:a )?(?:fin|finales|final|fines) del (?:proximo mes|mes (?:que viene|proximo|siguiente))"
    r"|(?:eind|einde) (?:van )?(?:de )?volgende maand"
    r"|(?:la )?fine del (?:prossimo mese|mese prossimo|mese successivo)|fine mese prossimo"
    r"|(?:fim|final) do (?:proximo mes|mes que vem|mes seguinte)"
    r"|(?:do |z )?konc(?:a|em) (?:przyszlego|przyszłego|nastepnego|kolejnego) miesiaca"
)
_NEXT_MONTH = (
    r"next month|the following month|the coming month|le mois prochain|mois prochain"
    r"|le mois suivant|courant du mois prochain|(?:im )?n(?:a|ae)chste(?:n|r)? monat"
    r"|kommende(?:n|r)? monat|el (?:proximo|siguiente) mes|el mes (?:que viene|proximo|siguiente)"
    r"|volgende maand|komende maand|il (?:prossimo mese|mese prossimo)|(?:il )?mese prossimo"
    r"|(?:no )?(?:proximo|seguinte) mes|(?:no )?mes que vem"
    r"|w (?:przyszlym|przyszłym|nastepnym|kolejnym) miesiacu"
)
_EARLY_NEXT_MONTH = (
    r"(?:early|beginning of|start of|the beginning of|the start of) (?:the )?next month"
    r"|(?:au )?debut (?:du )?mois prochain|anfang (?:des )?(?:n(?:a|ae)chsten|kommenden) monats"
    r"|(?:a )?principios del (?:proximo mes|mes (?:que viene|proximo|siguiente))"
    r"|(?:the )?first (?:week|few days|days) of (?:the )?(?:next|following|coming) month"
    r"|begin volgende maand|(?:a |ad |all')?inizio (?:del )?(?:prossimo mese|mese prossimo)"
    r"|ai primi del (?:prossimo mese|mese prossimo)"
)
_MID_NEXT_MONTH = (
    r"mid[- ]next month|(?:the )?middle of next month|mitte (?:des )?n(?:a|ae)chsten monats"
    r"|(?:a )?mediados del (?:proximo mes|mes que viene)|half volgende maand"
    r"|medio volgende maand|(?:a )?meta del (?:prossimo mese|mese prossimo)"
    r"|mi-mois prochain|(?:au )?milieu du mois prochain"
)
_MID_MONTH = (
    r"mid[- ]month|(?:the )?middle of (?:the|this) month|mi-mois|(?:au )?milieu du mois"
    r"|mitte (?:des |dieses )?monats|(?:a )?mediados de(?:l)? mes|half deze maand"
    r"|medio deze maand|(?:a )?meta (?:del )?mese"
)
_END_OF_YEAR = (
    r"(?:the )?end of (?:the |this )?year|year[- ]end|fin (?:de l'|d')annee"
    r"|jahresende|ende des jahres|(?:a )?(?:fin|finales) de(?:l)? ano|(?:eind|einde)"
    r" (?:van )?het jaar|jaareinde|fine anno|fine dell'anno"
)
_SPAN_PREFIX = (
    r"(?:(?P<within>within|inside of|over the next|during the next|in the next|d'ici|sous"
    r"|innerhalb(?: von)?(?: der n(?:a|ae)chsten| den n(?:a|ae)chsten)?|binnen|dentro de"
    r"|en un plazo de|en el plazo de|en los proximos|de komende|entro|nei prossimi"
    r"|nelle prossime|no prazo de|nos proximos|nas proximas|w ciagu|w przeciagu)|in|dans|en|over"
    r"|tra|fra|d'ici a|eta(?: of)?:?|em|daqui a|za)"
    r"(?:\s+(?:about|around|roughly|approximately|approx\.?|some|another))?"
)

_NEXT_MONTH_WORDS = (
    r"(?P<which>next|the following|the coming|coming|following|prochain|suivant|n(?:a|ae)chsten"
    r"|kommenden|folgenden|proximo|que viene|siguiente|prossimo|successivo|volgende|komende"
    r"|que vem|seguinte|przyszlego|przyszłego|nastepnego|kolejnego)"
)
_THIS_MONTH_WORDS = (
    r"(?:this|the current|the|current|ce|courant|dieses|diesen|des|este|del|corrente|questo"
    r"|deze|de|deste|do|tego|biezacego)"
)
_DAY_OF_MONTH_WORD = (
    rf"\b(?P<dom>\d{{1,2}})(?:st|nd|rd|th|er|e|\.|-go|-ego|-tego)?\s+(?:of\s+|du\s+|des\s+|del\s+"
    rf"|di\s+|van\s+|do\s+|de\s+|da\s+)?(?:(?:{_NEXT_MONTH_WORDS}\s+|{_THIS_MONTH_WORDS}\s+)?"
    r"(?:month|mois|monats|mes|mese|maand|miesiaca)(?:\s+(?:"
    + _NEXT_MONTH_WORDS.replace("which", "which2")
    + r"|prochain|suivant))?|(?:mois|mes|mese|maand) (?P<which3>prochain|que viene|prossimo"
    r"|volgende|que vem))\b"
)

_PATTERNS: list[tuple[re.Pattern[str], _Handler]] = [
    (re.compile(_DAY_OF_MONTH_WORD), lambda m, ctx: _day_of_named_month_any(m, ctx)),
    (
        re.compile(
            rf"\b{_WD},?\s+(?:(?:den|le|el|il|de|dia|dnia)\s+)?(?P<a>\d{{1,2}})(?P<sep>[./])"
            r"(?P<b>\d{1,2})(?:\.|/)?(?P<y>\d{4}|\d{2})?(?![\d]|[.,]\d)"
        ),
        _weekday_numeric,
    ),
    (
        re.compile(
            r"(?<![\d/.\-])(?P<y>\d{4})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?!\d)"
        ),
        _iso,
    ),
    (
        re.compile(
            r"(?<![\d/.\-])(?P<a>\d{1,2})(?P<s>[./-])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})"
            r"(?![\d]|[.,]\d)"
        ),
        _numeric_full,
    ),
    (re.compile(r"(?<![\d/.,\-])(?P<a>\d{1,2})(?P<sep>\.)(?P<b>\d{1,2})\.(?!\d)"), _numeric_short),
    (
        re.compile(
            r"(?:\b(?:by|on|until|till|before|after|from|due|le|au|du|am|bis|zum|vom|el|al|op|tot"
            r"|voor|il|entro|per|dal|avant|vor|antes del?|hasta el|para el|prima del|em|ate|dia|na"
            r"|ate o|w dniu|przed)\s+)"
            r"(?P<a>\d{1,2})(?P<sep>/)(?P<b>\d{1,2})(?![\d/])"
        ),
        _numeric_short,
    ),
    # "our 5/14 payment run", "the 15/10 transfer": a day and month naming a payment.
    (
        re.compile(
            r"(?<![\d/.,\-])(?!1/[234]\b|2/3\b|3/4\b)(?P<a>\d{1,2})(?P<sep>/)(?P<b>\d{1,2})(?![\d/])"
            r"(?=\s+(?:payment|pay|check|cheque|wire|ach|bacs|sepa|bank|transfer|run|batch"
            r"|remittance|disbursement)s?\b)"
        ),
        _numeric_short,
    ),
    (
        re.compile(
            rf"{_LEAD_WD}(?<![\d.,])(?P<day>\d{{1,2}}){_ORD}\s*(?:of\s+|de\s+)?{_M}"
            r"(?:\s*,?\s*(?:de\s+|del\s+)?(?P<year>\d{4}))?"
        ),
        _textual,
    ),
    (
        re.compile(
            rf"{_LEAD_WD}{_M}\s+(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?![\d:])"
            r"(?:\s*,?\s*(?P<year>\d{4}))?"
        ),
        _textual,
    ),
    (
        re.compile(
            r"\b(?:(?:by |at |before )?(?:the )?end of|late|(?:a la |d'ici la |en )?fin(?: de)?"
            r"|ende|(?:a )?(?:finales|fines|final|fin) de|(?:aan het )?(?:eind|einde)(?: van)?"
            rf"|(?:alla |entro )?fine(?: di)?)\s+{_MF}"
        ),
        _month_part(1, None),
    ),
    (
        re.compile(
            r"\b(?:mid|middle of|mi|mitte|(?:a )?mediados de|half|medio|(?:a )?meta"
            r"|(?:em )?meados de|w polowie|w połowie)\s*-?\s*"
            rf"{_MF}"
        ),
        _month_part(15, 15),
    ),
    (
        re.compile(
            r"\b(?:early|beginning of|start of|(?:the )?first (?:week|few days|days) of"
            r"|(?:au )?debut(?: de)?|anfang|(?:a )?principios de"
            rf"|begin|(?:a |ad )?inizio(?: di)?|(?:ai )?primi di)\s+{_MF}"
        ),
        _month_part(1, 7),
    ),
    (
        re.compile(
            rf"\b(?:in|im|en|au mois de|au mois d'|nel mese di|a|ad|in de maand|during)\s+{_MF}"
            r"(?!\s*\d)"
        ),
        _month_part(1, None),
    ),
    (
        re.compile(
            rf"\b{_SPAN_PREFIX}\s+(?:the next\s+)?(?:(?P<low>{NUMBER_PATTERN}){_RANGE})?"
            rf"(?P<n>{NUMBER_PATTERN})\s+(?:more\s+)?"
            rf"(?:{_BUSINESS}\s+)?(?P<unit>{_DAY}|{_WEEK}|{_MONTH_UNIT}|quinzaine)"
            rf"(?:\s+{_BUSINESS.replace('business>', 'business2>')})?\b"
        ),
        _span,
    ),
    (
        re.compile(
            rf"\b(?P<n>{NUMBER_PATTERN})\s+(?P<unit>{_DAY}|{_WEEK}|{_MONTH_UNIT})\s+from"
            r" (?:now|today)\b"
        ),
        _span,
    ),
    (
        re.compile(r"\bsous (?P<unit>quinzaine|huitaine)"),
        lambda m, ctx: _same(
            (ctx.today, ctx.today + datetime.timedelta(days=14 if m["unit"] == "quinzaine" else 8))
        ),
    ),
    (
        re.compile(
            rf"\b(?P<n>{NUMBER_PATTERN})\s+(?P<unit>{_DAY}|{_WEEK})\s+(?:ago|geleden|fa)\b"
            rf"|\b(?:hace|il y a|vor)\s+(?P<n2>{NUMBER_PATTERN})\s+(?P<unit2>{_DAY}|{_WEEK})"
        ),
        lambda m, ctx: _ago_any(m, ctx),
    ),
    (
        re.compile(rf"\b(?:{_AFTER_TOMORROW})\b"),
        _relative(lambda t: _day(t + datetime.timedelta(days=2))),
    ),
    (
        re.compile(rf"\b(?:{_BEFORE_YESTERDAY})\b"),
        _relative(lambda t: _day(t - datetime.timedelta(days=2))),
    ),
    (re.compile(rf"\b(?:{_TODAY})\b"), _relative(_day)),
    (
        re.compile(rf"\b(?:{_TOMORROW})\b"),
        _relative(lambda t: _day(t + datetime.timedelta(days=1))),
    ),
    (
        re.compile(rf"\b(?:{_YESTERDAY})\b"),
        _relative(lambda t: _day(t - datetime.timedelta(days=1))),
    ),
    (re.compile(rf"\b(?:{_END_NEXT_WEEK})\b"), _relative(lambda t: _day(_next_week(t)[1]))),
    (
        re.compile(rf"\b(?:{_EARLY_NEXT_WEEK})\b"),
        _relative(lambda t: (_next_week(t)[0], _next_week(t)[0] + datetime.timedelta(days=1))),
    ),
    (re.compile(rf"\b(?:{_NEXT_WEEK})\b"), _relative(_next_week)),
    (re.compile(rf"\b(?:{_THIS_WEEK})\b"), _relative(_this_week)),
    (
        re.compile(rf"\b(?:{_LAST_WEEK})\b"),
        _relative(
            lambda t: (
                _monday(t) - datetime.timedelta(days=7),
                _monday(t) - datetime.timedelta(days=3),
            )
        ),
    ),
    (
        re.compile(rf"\b(?:{_END_NEXT_MONTH})\b"),
        _relative(lambda t: _day(_eom(_add_months(t.replace(day=1), 1)))),
    ),
    (
        re.compile(rf"\b(?:{_EARLY_NEXT_MONTH})\b"),
        _relative(lambda t: (_add_months(t.replace(day=1), 1), _add_months(t.replace(day=7), 1))),
    ),
    (
        re.compile(rf"\b(?:{_MID_NEXT_MONTH})\b"),
        _relative(lambda t: _day(_add_months(t.replace(day=15), 1))),
    ),
    (
        re.compile(rf"\b(?:{_NEXT_MONTH})\b"),
        _relative(
            lambda t: (_add_months(t.replace(day=1), 1), _eom(_add_months(t.replace(day=1), 1)))
        ),
    ),
    (re.compile(rf"\b(?:{_END_OF_MONTH})\b"), _relative(lambda t: _day(_eom(t)))),
    (
        re.compile(rf"\b(?:{_LAST_MONTH})\b"),
        _relative(
            lambda t: (
                _add_months(t.replace(day=1), -1),
                t.replace(day=1) - datetime.timedelta(days=1),
            )
        ),
    ),
    (re.compile(rf"\b(?:{_THIS_MONTH})\b"), _relative(lambda t: (t, _eom(t)))),
    (re.compile(rf"\b(?:{_MID_MONTH})\b"), _relative(_mid_month)),
    (re.compile(rf"\b(?:{_END_OF_YEAR})\b"), _relative(_end_of_year)),
    # Weekdays: every form is its own pattern; where they overlap the longest match wins.
    *(
        (re.compile(pattern), _weekday("next"))
        for pattern in (
            rf"\b(?:next|the following|a week on)\s+{_WD}",
            rf"\b{_WD}\s+(?:of\s+)?next week",
            rf"\bnext week,?\s+(?:on\s+)?{_WD}",
            # British "Friday week": the Friday of next week.
            rf"\b{_WD}\s+week\b",
            rf"\b{_WD}\s+(?:prochain|de la semaine prochaine)",
            rf"\b(?:am\s+)?(?:n(?:a|ae)chste(?:n|m|r)?|kommende(?:n|m|r)?)\s+{_WD}",
            rf"\b{_WD}\s+n(?:a|ae)chste(?:r|n)? woche",
            rf"\b(?:el\s+|na\s+|no\s+)?(?:proxim[oa]|siguiente)\s+{_WD}",
            rf"\b{_WD}\s+que vem",
            rf"\b(?:w\s+)?(?:przyszl[ya]|przyszł[ya]|nastepn[ya])\s+{_WD}",
            (
                rf"\b(?:el\s+)?{_WD}\s+(?:que viene|proximo|de la semana que viene"
                r"|de la proxima semana)"
            ),
            rf"\b(?:volgende|volgende week)\s+{_WD}",
            rf"\b{_WD}\s+volgende week",
            rf"\b{_WD}\s+prossimo",
            rf"\b(?:il\s+)?prossimo\s+{_WD}",
            rf"\b{_WD}\s+della (?:prossima settimana|settimana prossima)",
        )
    ),
    *(
        (re.compile(pattern), _weekday("last"))
        for pattern in (
            rf"\b(?:last|this past|past)\s+{_WD}",
            rf"\b{_WD}\s+(?:last week|dernier|pasado|jongstleden|scors[oa])",
            rf"\b(?:am\s+)?(?:letzte(?:n|m|r)?|vergangene(?:n|m|r)?|vorige(?:n|m|r)?)\s+{_WD}",
            rf"\b(?:el\s+)?pasado\s+{_WD}",
            rf"\b(?:vorige|afgelopen|jongstleden)\s+{_WD}",
            rf"\b(?:lo\s+)?scors[oa]\s+{_WD}",
            rf"\b{_WD}\s+passad[oa]",
            rf"\b(?:w\s+)?(?:zeszl[ya]|zeszł[ya]|ostatni[ae]?)\s+{_WD}",
        )
    ),
    (
        re.compile(
            rf"\b(?:this|this coming|ce|diesen|este|deze|aanstaande|questo|nesta|neste"
            rf"|esta|este)\s+{_WD}"
        ),
        _weekday("this"),
    ),
    (re.compile(rf"\b(?:the\s+)?(?:coming|upcoming)\s+{_WD}"), _weekday("bare")),
    (re.compile(rf"\b{_WD}"), _weekday("bare")),
    # Day of month alone: "the 15th", "le 15", "am 15.", "el día 20", "op de 15e", "il 20".
    (
        re.compile(
            rf"\b(?:on |by |before |until |till |after |from |for )?the\s+(?P<dom>\d{{1,2}})"
            rf"(?:st|nd|rd|th)\b(?!\s*(?:of\s+)?{MONTH_PATTERN})"
            r"|\b(?:on|by|before|until|till)\s+the\s+(?P<dom2>\d{1,2})\b(?!\s*(?:%|\d|[a-z]))"
            rf"|(?<![\d.,])\b(?P<dom3>\d{{1,2}})(?:st|nd|rd|th)\b(?!\s*(?:of\s+)?{MONTH_PATTERN})"
            # "our 2nd run", "the 3rd reminder": an ordinal, not a day of the month.
            rf"(?!\s+{_ORDINAL_NOUN})"
        ),
        lambda m, ctx: _day_of_month(ctx.today, int(m["dom"] or m["dom2"] or m["dom3"])),
    ),
    (
        re.compile(
            r"\b(?:le|au|avant le|jusqu'au|d'ici le|a partir du)\s+(?P<dom>\d{1,2})(?:er)?\b"
            rf"(?![\s,.]*(?:\d|{MONTH_PATTERN}|%|€|\$|eur\b|h\b|heures?\b|jours?\b|mois\b))"
        ),
        _dom,
    ),
    (
        re.compile(
            r"\b(?:am|zum|bis zum|bis|ab dem|vor dem|den)\s+(?P<dom>\d{1,2})\."
            rf"(?!\s*(?:\d|{MONTH_PATTERN}))"
        ),
        _dom,
    ),
    (
        re.compile(
            r"\b(?:el(?: dia)?|dia|antes del?|hasta el|para el|a partir del)\s+(?P<dom>\d{1,2})\b"
            rf"(?!\s*(?:de\s+)?(?:{MONTH_PATTERN}|%|\d|€|\$|eur\b|dias\b|de cada mes))"
        ),
        _dom,
    ),
    (
        re.compile(
            r"\b(?:(?:op\s+)?de|op|voor|tot)\s+(?P<dom>\d{1,2})(?:e|ste|de)\b"
            rf"(?!\s*{MONTH_PATTERN})"
        ),
        _dom,
    ),
    (
        re.compile(
            r"\b(?:il(?: giorno)?|entro il|per il|dal|prima del|giorno)\s+(?P<dom>\d{1,2})\b"
            rf"(?!\s*(?:{MONTH_PATTERN}|%|\d|€|\$|eur\b|giorni\b))"
        ),
        _dom,
    ),
    (re.compile(r"\b(?:do\s+)?dnia\s+(?P<dom>\d{1,2})\b(?![.\d/-])"), _dom),
    # French "le 30 courant": the 30th of this month.
    (re.compile(r"\b(?:le\s+)?(?P<dom>\d{1,2})\s+(?:courant|du mois courant|de ce mois)\b"), _dom),
    # Dutch "op 23-11": day and month with a hyphen, after a preposition.
    (
        re.compile(
            r"\b(?:op|tot|voor|per|uiterlijk)\s+(?P<a>\d{1,2})(?P<sep>-)(?P<b>\d{1,2})\b(?![-/.]\d)"
        ),
        _numeric_short,
    ),
    (re.compile(r"(?<![\d.,])\b(?P<dom>\d{1,2})-(?:go|ego|tego)\b"), _dom),
    (
        re.compile(r"\b(?:ate o|ate ao|no|ate) dia\s+(?P<dom>\d{1,2})\b(?!\s*(?:de\s+)?[a-z]{3})"),
        _dom,
    ),
    # Words that look like dates but are not: greetings and "in the morning".
    (
        re.compile(
            r"\b(?:guten morgen|goede morgen|por la manana|de la manana|la manana|morgens)\b"
        ),
        _blocked,
    ),
]


def _day_of_named_month_any(match: re.Match[str], ctx: _Context) -> tuple[Window, Window] | None:
    offset = 1 if (match["which"] or match["which2"] or match["which3"]) else 0
    first = _add_months(ctx.today.replace(day=1), offset)
    value = _safe(first.year, first.month, int(match["dom"]))
    return _same(_day(value)) if value else None


def _ago_any(match: re.Match[str], ctx: _Context) -> tuple[Window, Window] | None:
    n = match["n"] or match["n2"]
    unit = match["unit"] or match["unit2"]
    count = number_value(n) if n else None
    if count is None or unit is None:
        return None
    weeks = unit.startswith(("w", "se", "sett"))
    value = ctx.today - datetime.timedelta(days=count * (7 if weeks else 1))
    return _same(_day(value))


# French "hier" is "here" in German and Dutch.
_FRENCH_ONLY = (re.compile(r"\bhier\b"), _relative(lambda t: _day(t - datetime.timedelta(days=1))))


_LINE_BREAKS = str.maketrans({"\n": " ", "\r": " ", "\t": " "})


def find_dates(
    folded: str,
    today: Day,
    *,
    language: str = "en",
    month_first: bool = False,
    blocked: Sequence[tuple[int, int]] = (),
) -> list[DateHit]:
    """All date expressions in the text, longest first where they overlap, in text order."""
    ctx = _Context(today=today, month_first=month_first, language=language)
    patterns = list(_PATTERNS)
    if language == "fr":
        patterns.append(_FRENCH_ONLY)
    # A line break inside "early next\nweek" is a space: offsets stay the same.
    folded = folded.translate(_LINE_BREAKS)
    candidates: list[tuple[int, int, tuple[Window, Window] | None, bool]] = []
    for pattern, handler in patterns:
        for match in pattern.finditer(folded):
            if match.end() == match.start():
                continue
            value = handler(match, ctx)
            explicit = handler in (_iso, _numeric_full) or (
                handler is _textual and bool(match["year"])
            )
            candidates.append((match.start(), match.end(), value, explicit))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
    taken: list[tuple[int, int]] = list(blocked)
    hits: list[DateHit] = []
    for start, end, value, explicit in candidates:
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        taken.append((start, end))
        if value is not None:
            hits.append(DateHit(start, end, value[0], value[1], explicit))
    hits.sort(key=lambda hit: hit.start)
    return hits
