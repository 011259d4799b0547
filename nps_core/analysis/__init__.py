"""Figures from the review frame: NPS with its statistics, and comment text analysis.

NPS: ``groups`` (each review's group, as integer codes) → ``grid`` (counting over
segment × period codes) → ``nps`` (the score, its interval, the z-test) → ``segments``
(breakdowns, per-segment tests, drivers) and ``trend`` (per period, rolling).
Text: ``tokens`` (normalising, stop words, tokens and terms) → ``search`` (the search
box, a term's comments) and ``terms`` (distinctive terms). Themes: ``theme_text``
(comments as stem features) → ``theme_model`` (themes of one language) → ``themes``
(``find_themes``: pinned and found themes with what each costs the NPS).
"""
