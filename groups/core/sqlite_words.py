"""SQLite's keyword matching (groups.core.search): whole words in any known form, as one SQL condition.

PostgreSQL matches with full-text search instead; these expressions are what SQLite runs for the same words.
"""

import os
import re

from django.db.models import BooleanField, Expression

# SQLite: whole words in any known form, by regular expression.


def _whole_word(forms):
    forms = sorted(forms, key=lambda form: (-len(form), form))
    return r"(?i)(?<!\w)(?:" + "|".join(re.escape(form) for form in forms) + r")(?!\w)"


class WordsMatch(Expression):
    """SQLite: the text holds any of the alternatives, each a list of words (sets of forms) that must all be
    there as whole words.

    Written as one SQL condition here rather than as many Q objects (a search page runs the filter ten times).
    A word of letters a-z and digits is a LIKE on its forms' common prefix, then a GLOB on the text between
    spaces, both inside SQLite: '*[^a-zA-Z0-9][rR][aA][pP][eE][^a-zA-Z0-9]*' never matches "therapeutic".
    Other words (accents, other scripts) use a regular expression, a Python call per row. Forms are letters
    and digits: nothing to escape.
    """

    output_field = BooleanField()

    def __init__(self, expression, alternatives):
        super().__init__()
        self.expression = expression
        self.alternatives = alternatives

    def get_source_expressions(self):
        return [self.expression]

    def set_source_expressions(self, expressions):
        (self.expression,) = expressions

    def as_sql(self, compiler, connection):
        text, text_params = compiler.compile(self.expression)
        alternatives, params = [], []
        for words in self.alternatives:
            conditions = []
            for forms in words:
                # First a LIKE on the forms' common prefix (a plain substring search, the cheapest test).
                prefix = os.path.commonprefix(sorted(forms))
                if len(prefix) >= 2 and prefix.isascii():
                    conditions.append(f"{text} LIKE %s")
                    params.extend([*text_params, f"%{prefix}%"])
                if all(form.isascii() for form in forms):
                    globs = [f"(' ' || {text} || ' ') GLOB %s" for _form in forms]
                    conditions.append("(" + " OR ".join(globs) + ")")
                    for form in sorted(forms):
                        either_case = "".join(f"[{c}{c.upper()}]" if c.isalpha() else c for c in form)
                        params.extend([*text_params, f"*[^a-zA-Z0-9]{either_case}[^a-zA-Z0-9]*"])
                else:
                    conditions.append(f"{text} REGEXP %s")
                    params.extend([*text_params, _whole_word(forms)])
            alternatives.append("(" + " AND ".join(conditions) + ")")
        return "(" + " OR ".join(alternatives) + ")", params


class IndexedWordsMatch(WordsMatch):
    """SQLite: the group's search_words (lexicon.index_words: its distinct words, space-padded) hold all the words
    of any of the alternatives, each word in any of its forms.

    One LIKE '% form %' per form: a substring test on a short text that SQLite runs without a Python call.
    It matches exactly the whole words WordsMatch would find in name, summary and search_text together, at a
    fraction of the cost (no concatenation of the texts per row, no pattern scan of every row for a word like
    "dv" whose letters are in "advice"). Forms are words of lexicon.words(): no "%" or "_" to escape.
    """

    def as_sql(self, compiler, connection):
        column, column_params = compiler.compile(self.expression)
        alternatives, params = [], []
        for words in self.alternatives:
            conditions = []
            for forms in words:
                # A word with several forms: first one LIKE on their common beginning, so a row without it is
                # read once rather than once per form.
                prefix = os.path.commonprefix(sorted(forms))
                if len(forms) > 1 and len(prefix) >= 2:
                    conditions.append(f"{column} LIKE %s")
                    params.extend([*column_params, f"% {prefix}%"])
                conditions.append("(" + " OR ".join(f"{column} LIKE %s" for _form in forms) + ")")
                for form in sorted(forms):
                    params.extend([*column_params, f"% {form} %"])
            alternatives.append("(" + " AND ".join(conditions) + ")")
        return "(" + " OR ".join(alternatives) + ")", params
