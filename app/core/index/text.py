"""Text for the full-text index and safe FTS5 MATCH expressions built from user input.

SQLite's ``unicode61`` tokenizer folds case and accents but keeps a run of CJK characters as
one token and drops emoji as separators. So before text goes into the index (and before a
query is tokenised) each CJK character becomes a token of its own and each emoji becomes a
plain-letter token (``x1f389``). A query is then split into words that are quoted by us, so
no character a user types can reach FTS5 as syntax (``"``, ``*``, ``(``, ``NEAR``, ``-``,
``:``, ``^``...).
"""

from __future__ import annotations

import re
import unicodedata

# Scripts written without spaces between words: index every character on its own.
_CJK = re.compile(
    "[\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0002ffff]"
)
# Pictographs and symbols unicode61 would drop; they become searchable letter tokens.
_SYMBOL = re.compile("[\u2190-\u21ff\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff]")
# Joiners and variation selectors that only glue emoji together.
_GLUE = re.compile("[\u200d\ufe0e\ufe0f]")
_WORD_PART = re.compile(r"\w+")


def _symbol_token(match: re.Match[str]) -> str:
    return f" x{ord(match.group()):x} "


def index_text(value: str) -> str:
    """Prepare a piece of order text for the FTS index.

    Args:
        value: Any text from an order (names, notes, SKUs...).

    Returns:
        The text with CJK characters and emoji turned into separate tokens.
    """
    if value.isascii():
        return value
    text = unicodedata.normalize("NFKC", value)
    text = _GLUE.sub("", text)
    text = _CJK.sub(r" \g<0> ", text)
    return _SYMBOL.sub(_symbol_token, text)


def query_phrases(query: str) -> list[str]:
    """Split user input into phrases of plain tokens (no FTS syntax survives).

    Each whitespace-separated word becomes one phrase of its word parts, so ``TEE-HGR`` or
    ``maria.lopez@example.com`` match as a sequence.

    Args:
        query: What the user typed.

    Returns:
        Phrases, each a space-joined list of tokens; empty when nothing searchable is left.
    """
    phrases: list[str] = []
    for word in query.split():
        parts = _WORD_PART.findall(index_text(word))
        tokens = [token for part in parts for token in part.replace("_", " ").split()]
        if tokens:
            phrases.append(" ".join(tokens))
    return phrases


def wants_prefix(query: str, phrases: list[str]) -> bool:
    """Whether the last word of ``query`` is matched as a prefix (search while typing).

    Not when the input ends with whitespace, when the last word is one letter (it would match
    most of a big store, and says little), or when it is a CJK character (each of those is a
    whole token already).
    """
    if not phrases or query[-1:].isspace():
        return False
    last = phrases[-1].rsplit(" ", 1)[-1]
    return len(last) > 1 and not _CJK.search(last[-1:])


def quoted(phrase: str) -> str:
    """A phrase as an FTS5 string (its double quotes doubled)."""
    return '"' + phrase.replace('"', '""') + '"'


def match_expression(query: str, *, prefix_last: bool = True) -> str | None:
    """Build an FTS5 MATCH expression that ANDs the quoted phrases of ``query``.

    Args:
        query: What the user typed; any characters, any script.
        prefix_last: Let the last phrase match as a prefix (search while typing), unless the
            input ends with whitespace.

    Returns:
        The expression, or ``None`` when the input holds nothing searchable.
    """
    phrases = query_phrases(query)
    if not phrases:
        return None
    parts = [quoted(phrase) for phrase in phrases]
    if prefix_last and wants_prefix(query, phrases):
        parts[-1] += "*"
    return " AND ".join(parts)
