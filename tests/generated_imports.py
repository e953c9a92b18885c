"""Large, valid import files generated at test time (too big to commit), and what they add."""

from __future__ import annotations

import json
from pathlib import Path

CLAIMS_PER_DOCUMENT = 20


def write_big_import(path: Path, claims: int, prefix: str = "big") -> Path:
    """A JSON Lines import of one source, one metric, ``claims`` claims with one figure each, and
    the documents they quote (``CLAIMS_PER_DOCUMENT`` claims per document). Ids start with ``prefix``,
    so files with different prefixes can be imported into one database side by side."""
    with path.open("w", encoding="utf-8") as out:
        def line(record: dict[str, object]) -> None:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")

        line({"kind": "source", "id": f"{prefix}-monitor", "name": f"Monitor {prefix}", "source_kind": "ngo"})
        line({"kind": "metric", "id": f"{prefix}-killed", "name": "People killed", "unit": "people"})
        for document in range(documents_for(claims)):
            first = document * CLAIMS_PER_DOCUMENT
            text = " ".join(f"Report {document}, item {first + i}: at least {first + i} people were killed."
                            for i in range(CLAIMS_PER_DOCUMENT))
            line({"kind": "document", "id": f"{prefix}-report-{document}", "title": f"Report {document}",
                  "published": "2020-01", "text": text})
        for claim in range(claims):
            line({"kind": "claim", "id": f"{prefix}-claim-{claim}", "document": f"{prefix}-report-{claim // CLAIMS_PER_DOCUMENT}",
                  "source": f"{prefix}-monitor", "event": "iran-protests-2019-11",
                  "quote": f"item {claim}: at least {claim} people were killed",
                  "figures": [{"metric": f"{prefix}-killed", "value": f"at least {claim}"}]})
    return path


def documents_for(claims: int) -> int:
    return -(-claims // CLAIMS_PER_DOCUMENT)
