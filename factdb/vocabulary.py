"""The controlled vocabularies of factdb's data: the values some columns may hold.

Plain tuples, shared by the models (CHECK constraints) and the import's checks, which run in
processes that do not load SQLAlchemy (factdb.checks).
"""

SOURCE_KINDS = ("ngo", "intergovernmental", "government", "official", "opposition", "media", "person", "other")
RELATIONS = ("part_of", "member_of")
PRECISIONS = ("year", "month", "day")
CLAIM_STATUSES = ("active", "retracted", "disputed")
# The editors' review of a claim and their grade of how well it is supported (factdb.editorial):
# never the source's own status, never the tool's judgement.
REVIEW_STATUSES = ("unreviewed", "reviewed", "flagged")
GRADES = ("confirmed", "fair", "weak", "contested", "discounted")
# What `factdb remove` takes out, and what an export's removed records name: kind -> its table.
REMOVABLE_TABLES = {"claim": "claims", "source": "sources", "event": "events", "metric": "metrics", "document": "documents"}
REMOVABLE_KINDS = tuple(REMOVABLE_TABLES)
