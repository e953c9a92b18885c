"""factdb: record who said which number, where and when, and compare sources' figures."""

__version__ = "0.1.0"
