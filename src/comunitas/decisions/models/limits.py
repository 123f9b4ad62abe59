"""The lengths of the texts the three capabilities share (a title, a long text, a public
reason), so that a title is as long in a consultation as in a budget."""

TITLE_MAX = 200
TEXT_MAX = 10_000
REASON_MAX = 1000
