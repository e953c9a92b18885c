"""The controlled vocabularies of factdb's data: the values some columns may hold.

Plain tuples, shared by the models (CHECK constraints) and the import's checks, which run in
processes that do not load SQLAlchemy (factdb.checks).
"""

SOURCE_KINDS = ("ngo", "intergovernmental", "government", "official", "opposition", "media", "person", "other")
RELATIONS = ("part_of", "member_of")
PRECISIONS = ("year", "month", "day")
CLAIM_STATUSES = ("active", "retracted", "disputed")
