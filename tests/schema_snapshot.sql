CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
CREATE TABLE changes (
	id INTEGER NOT NULL, 
	batch_id INTEGER NOT NULL, 
	table_name VARCHAR(32) NOT NULL, 
	row_key VARCHAR(200) NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	editor VARCHAR(200), 
	changed_at VARCHAR(32) NOT NULL, 
	reason TEXT, 
	"before" TEXT, 
	"after" TEXT, 
	CONSTRAINT pk_changes PRIMARY KEY (id), 
	CONSTRAINT ck_changes_kind_allowed CHECK (kind = 'added' OR kind = 'updated' OR kind = 'removed' OR kind = 'reviewed' OR kind = 'undone'), 
	CONSTRAINT fk_changes_batch_id_import_batches FOREIGN KEY(batch_id) REFERENCES import_batches (id)
);
CREATE TABLE claim_history (
	id INTEGER NOT NULL, 
	claim_pk INTEGER NOT NULL, 
	claim_id VARCHAR(200) NOT NULL, 
	version INTEGER NOT NULL, 
	content TEXT NOT NULL, 
	content_sha256 VARCHAR(64) NOT NULL, 
	created_batch_id INTEGER NOT NULL, 
	replaced_batch_id INTEGER NOT NULL, 
	CONSTRAINT pk_claim_history PRIMARY KEY (id), 
	CONSTRAINT fk_claim_history_claim_pk_claims FOREIGN KEY(claim_pk) REFERENCES claims (pk) ON DELETE CASCADE, 
	CONSTRAINT fk_claim_history_created_batch_id_import_batches FOREIGN KEY(created_batch_id) REFERENCES import_batches (id), 
	CONSTRAINT fk_claim_history_replaced_batch_id_import_batches FOREIGN KEY(replaced_batch_id) REFERENCES import_batches (id), 
	CONSTRAINT uq_claim_history_claim_pk_version UNIQUE (claim_pk, version)
);
CREATE TABLE claims (
	pk INTEGER NOT NULL, 
	id VARCHAR(200) NOT NULL, 
	source_id VARCHAR(200) NOT NULL, 
	document_pk INTEGER NOT NULL, 
	event_id VARCHAR(200), 
	via_id VARCHAR(200), 
	claimed_on VARCHAR(10) NOT NULL, 
	claimed_on_precision VARCHAR(5) NOT NULL, 
	quote TEXT NOT NULL, 
	quote_start INTEGER NOT NULL, 
	quote_end INTEGER NOT NULL, 
	statement TEXT, 
	supersedes_pk INTEGER, 
	status VARCHAR(16) DEFAULT 'active' NOT NULL, 
	content_sha256 VARCHAR(64) NOT NULL, 
	batch_id INTEGER NOT NULL, 
	updated_batch_id INTEGER, record_digest VARCHAR(32), review_status VARCHAR(16) DEFAULT 'unreviewed' NOT NULL, reviewed_by VARCHAR(200), reviewed_at VARCHAR(32), review_note TEXT, grade VARCHAR(16), grade_rationale TEXT, quote_page INTEGER, 
	CONSTRAINT pk_claims PRIMARY KEY (pk), 
	CONSTRAINT ck_claims_claimed_on_precision CHECK ((claimed_on IS NULL AND claimed_on_precision IS NULL) OR (claimed_on_precision = 'year' AND length(claimed_on) = 4) OR (claimed_on_precision = 'month' AND length(claimed_on) = 7) OR (claimed_on_precision = 'day' AND length(claimed_on) = 10)), 
	CONSTRAINT ck_claims_claimed_on_precision_allowed CHECK (claimed_on_precision = 'year' OR claimed_on_precision = 'month' OR claimed_on_precision = 'day'), 
	CONSTRAINT ck_claims_status_allowed CHECK (status = 'active' OR status = 'retracted' OR status = 'disputed'), 
	CONSTRAINT ck_claims_quote_not_empty CHECK (length(quote) > 0), 
	CONSTRAINT ck_claims_quote_offsets CHECK (quote_start >= 0 AND quote_end > quote_start), 
	CONSTRAINT ck_claims_not_self_superseding CHECK (supersedes_pk IS NULL OR supersedes_pk <> pk), 
	CONSTRAINT ck_claims_via_not_source CHECK (via_id IS NULL OR via_id <> source_id), 
	CONSTRAINT fk_claims_batch_id_import_batches FOREIGN KEY(batch_id) REFERENCES import_batches (id), 
	CONSTRAINT fk_claims_document_pk_documents FOREIGN KEY(document_pk) REFERENCES documents (pk), 
	CONSTRAINT fk_claims_event_id_events FOREIGN KEY(event_id) REFERENCES events (id), 
	CONSTRAINT fk_claims_source_id_sources FOREIGN KEY(source_id) REFERENCES sources (id), 
	CONSTRAINT fk_claims_supersedes_pk_claims FOREIGN KEY(supersedes_pk) REFERENCES claims (pk), 
	CONSTRAINT fk_claims_updated_batch_id_import_batches FOREIGN KEY(updated_batch_id) REFERENCES import_batches (id), 
	CONSTRAINT fk_claims_via_id_sources FOREIGN KEY(via_id) REFERENCES sources (id), 
	CONSTRAINT uq_claims_id UNIQUE (id)
);
CREATE VIRTUAL TABLE "claims_fts" USING FTS5 (
    "quote", "statement",
    content="claims", content_rowid="pk",
    tokenize='porter unicode61'
);
CREATE TABLE 'claims_fts_config'(k PRIMARY KEY, v) WITHOUT ROWID;
CREATE TABLE 'claims_fts_data'(id INTEGER PRIMARY KEY, block BLOB);
CREATE TABLE 'claims_fts_docsize'(id INTEGER PRIMARY KEY, sz BLOB);
CREATE TABLE 'claims_fts_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;
CREATE TABLE document_custody (
	id INTEGER NOT NULL, 
	document_pk INTEGER NOT NULL, 
	version INTEGER NOT NULL, 
	original_sha256 VARCHAR(64) NOT NULL, 
	file_name TEXT NOT NULL, 
	record TEXT, 
	retrieved_at VARCHAR(32) NOT NULL, 
	collector TEXT NOT NULL, 
	extractor VARCHAR(64) NOT NULL, 
	extractor_version VARCHAR(64) NOT NULL, 
	settings TEXT NOT NULL, 
	text_sha256 VARCHAR(64) NOT NULL, 
	page_starts TEXT, 
	batch_id INTEGER NOT NULL, 
	CONSTRAINT pk_document_custody PRIMARY KEY (id), 
	CONSTRAINT ck_document_custody_text_sha256_hex CHECK (length(text_sha256) = 64), 
	CONSTRAINT fk_document_custody_batch_id_import_batches FOREIGN KEY(batch_id) REFERENCES import_batches (id), 
	CONSTRAINT fk_document_custody_document_pk_documents FOREIGN KEY(document_pk) REFERENCES documents (pk) ON DELETE CASCADE, 
	CONSTRAINT fk_document_custody_original_sha256_originals FOREIGN KEY(original_sha256) REFERENCES originals (sha256), 
	CONSTRAINT uq_document_custody_document_pk_version UNIQUE (document_pk, version)
);
CREATE TABLE document_history (
	id INTEGER NOT NULL, 
	document_pk INTEGER NOT NULL, 
	document_id VARCHAR(200) NOT NULL, 
	version INTEGER NOT NULL, 
	text TEXT NOT NULL, 
	text_sha256 VARCHAR(64) NOT NULL, 
	replaced_batch_id INTEGER NOT NULL, 
	CONSTRAINT pk_document_history PRIMARY KEY (id), 
	CONSTRAINT fk_document_history_document_pk_documents FOREIGN KEY(document_pk) REFERENCES documents (pk) ON DELETE CASCADE, 
	CONSTRAINT fk_document_history_replaced_batch_id_import_batches FOREIGN KEY(replaced_batch_id) REFERENCES import_batches (id), 
	CONSTRAINT uq_document_history_document_pk_version UNIQUE (document_pk, version)
);
CREATE TABLE documents (
	pk INTEGER NOT NULL, 
	id VARCHAR(200) NOT NULL, 
	title TEXT NOT NULL, 
	author TEXT, 
	publisher_id VARCHAR(200), 
	published VARCHAR(10), 
	published_precision VARCHAR(5), 
	url TEXT, 
	language VARCHAR(20), 
	text TEXT NOT NULL, 
	text_sha256 VARCHAR(64) NOT NULL, 
	batch_id INTEGER NOT NULL, 
	CONSTRAINT pk_documents PRIMARY KEY (pk), 
	CONSTRAINT ck_documents_published_precision CHECK ((published IS NULL AND published_precision IS NULL) OR (published_precision = 'year' AND length(published) = 4) OR (published_precision = 'month' AND length(published) = 7) OR (published_precision = 'day' AND length(published) = 10)), 
	CONSTRAINT ck_documents_sha256_hex CHECK (length(text_sha256) = 64), 
	CONSTRAINT fk_documents_batch_id_import_batches FOREIGN KEY(batch_id) REFERENCES import_batches (id), 
	CONSTRAINT fk_documents_publisher_id_sources FOREIGN KEY(publisher_id) REFERENCES sources (id), 
	CONSTRAINT uq_documents_id UNIQUE (id)
);
CREATE VIRTUAL TABLE "documents_fts" USING FTS5 (
    "title", "text",
    content="documents", content_rowid="pk",
    tokenize='porter unicode61'
);
CREATE TABLE 'documents_fts_config'(k PRIMARY KEY, v) WITHOUT ROWID;
CREATE TABLE 'documents_fts_data'(id INTEGER PRIMARY KEY, block BLOB);
CREATE TABLE 'documents_fts_docsize'(id INTEGER PRIMARY KEY, sz BLOB);
CREATE TABLE 'documents_fts_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;
CREATE TABLE events (
	id VARCHAR(200) NOT NULL, 
	name TEXT NOT NULL, 
	description TEXT, 
	start_date VARCHAR(10), 
	start_precision VARCHAR(5), 
	end_date VARCHAR(10), 
	end_precision VARCHAR(5), 
	parent_id VARCHAR(200), 
	batch_id INTEGER NOT NULL, 
	CONSTRAINT pk_events PRIMARY KEY (id), 
	CONSTRAINT ck_events_end_precision CHECK ((end_date IS NULL AND end_precision IS NULL) OR (end_precision = 'year' AND length(end_date) = 4) OR (end_precision = 'month' AND length(end_date) = 7) OR (end_precision = 'day' AND length(end_date) = 10)), 
	CONSTRAINT ck_events_start_precision CHECK ((start_date IS NULL AND start_precision IS NULL) OR (start_precision = 'year' AND length(start_date) = 4) OR (start_precision = 'month' AND length(start_date) = 7) OR (start_precision = 'day' AND length(start_date) = 10)), 
	CONSTRAINT ck_events_start_before_end CHECK (end_date IS NULL OR start_date IS NULL OR substr(start_date, 1, length(end_date)) <= end_date), 
	CONSTRAINT ck_events_not_own_parent CHECK (parent_id IS NULL OR parent_id <> id), 
	CONSTRAINT fk_events_batch_id_import_batches FOREIGN KEY(batch_id) REFERENCES import_batches (id), 
	CONSTRAINT fk_events_parent_id_events FOREIGN KEY(parent_id) REFERENCES events (id)
);
CREATE TABLE figures (
	id INTEGER NOT NULL, 
	claim_pk INTEGER NOT NULL, 
	position INTEGER NOT NULL, 
	metric_id VARCHAR(200) NOT NULL, 
	population VARCHAR(200), 
	qualifier VARCHAR(16) NOT NULL, 
	value FLOAT, 
	low FLOAT, 
	high FLOAT, 
	stated TEXT NOT NULL, 
	batch_id INTEGER NOT NULL, derived TEXT, 
	CONSTRAINT pk_figures PRIMARY KEY (id), 
	CONSTRAINT ck_figures_qualifier_allowed CHECK (qualifier = 'exact' OR qualifier = 'approximately' OR qualifier = 'nearly' OR qualifier = 'at_least' OR qualifier = 'more_than' OR qualifier = 'at_most' OR qualifier = 'less_than' OR qualifier = 'range' OR qualifier = 'vague'), 
	CONSTRAINT ck_figures_non_negative CHECK ((value IS NULL OR value >= 0) AND (low IS NULL OR low >= 0) AND (high IS NULL OR high >= 0)), 
	CONSTRAINT ck_figures_stated_not_empty CHECK (length(stated) > 0), 
	CONSTRAINT ck_figures_low_not_above_high CHECK (low IS NULL OR high IS NULL OR low <= high), 
	CONSTRAINT ck_figures_has_a_number CHECK (value IS NOT NULL OR low IS NOT NULL OR high IS NOT NULL), 
	CONSTRAINT fk_figures_batch_id_import_batches FOREIGN KEY(batch_id) REFERENCES import_batches (id), 
	CONSTRAINT fk_figures_claim_pk_claims FOREIGN KEY(claim_pk) REFERENCES claims (pk) ON DELETE CASCADE, 
	CONSTRAINT fk_figures_metric_id_metrics FOREIGN KEY(metric_id) REFERENCES metrics (id), 
	CONSTRAINT uq_figures_claim_pk_position UNIQUE (claim_pk, position)
);
CREATE TABLE import_batches (
	id INTEGER NOT NULL, 
	started_at VARCHAR(32) NOT NULL, 
	finished_at VARCHAR(32), 
	factdb_version VARCHAR(32) NOT NULL, 
	summary TEXT, editor VARCHAR(200), command VARCHAR(16) DEFAULT 'import' NOT NULL, reason TEXT, undone_by_batch_id INTEGER, 
	CONSTRAINT pk_import_batches PRIMARY KEY (id)
);
CREATE TABLE import_files (
	id INTEGER NOT NULL, 
	batch_id INTEGER NOT NULL, 
	path TEXT NOT NULL, 
	sha256 VARCHAR(64) NOT NULL, 
	size_bytes BIGINT NOT NULL, 
	records INTEGER NOT NULL, 
	CONSTRAINT pk_import_files PRIMARY KEY (id), 
	CONSTRAINT ck_import_files_sha256_hex CHECK (length(sha256) = 64), 
	CONSTRAINT ck_import_files_records_non_negative CHECK (records >= 0), 
	CONSTRAINT fk_import_files_batch_id_import_batches FOREIGN KEY(batch_id) REFERENCES import_batches (id) ON DELETE CASCADE
);
CREATE TABLE metrics (
	id VARCHAR(200) NOT NULL, 
	name TEXT NOT NULL, 
	unit VARCHAR(100) NOT NULL, 
	description TEXT, 
	batch_id INTEGER NOT NULL, 
	CONSTRAINT pk_metrics PRIMARY KEY (id), 
	CONSTRAINT fk_metrics_batch_id_import_batches FOREIGN KEY(batch_id) REFERENCES import_batches (id)
);
CREATE TABLE original_chunks (
	original_sha256 VARCHAR(64) NOT NULL, 
	position INTEGER NOT NULL, 
	data BLOB NOT NULL, 
	CONSTRAINT pk_original_chunks PRIMARY KEY (original_sha256, position), 
	CONSTRAINT fk_original_chunks_original_sha256_originals FOREIGN KEY(original_sha256) REFERENCES originals (sha256) ON DELETE CASCADE
);
CREATE TABLE originals (
	sha256 VARCHAR(64) NOT NULL, 
	media_type VARCHAR(100) NOT NULL, 
	size_bytes INTEGER NOT NULL, 
	batch_id INTEGER NOT NULL, 
	CONSTRAINT pk_originals PRIMARY KEY (sha256), 
	CONSTRAINT ck_originals_sha256_hex CHECK (length(sha256) = 64), 
	CONSTRAINT ck_originals_size_non_negative CHECK (size_bytes >= 0), 
	CONSTRAINT fk_originals_batch_id_import_batches FOREIGN KEY(batch_id) REFERENCES import_batches (id)
);
CREATE TABLE removals (
	id INTEGER NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	record_id VARCHAR(200) NOT NULL, 
	removed_at VARCHAR(32) NOT NULL, 
	editor VARCHAR(200), 
	reason TEXT, 
	last TEXT NOT NULL, 
	batch_id INTEGER NOT NULL, 
	revived_batch_id INTEGER, 
	CONSTRAINT pk_removals PRIMARY KEY (id), 
	CONSTRAINT ck_removals_kind_allowed CHECK (kind = 'claim' OR kind = 'source' OR kind = 'event' OR kind = 'metric' OR kind = 'document'), 
	CONSTRAINT fk_removals_batch_id_import_batches FOREIGN KEY(batch_id) REFERENCES import_batches (id), 
	CONSTRAINT fk_removals_revived_batch_id_import_batches FOREIGN KEY(revived_batch_id) REFERENCES import_batches (id)
);
CREATE TABLE settings (
	"key" VARCHAR(100) NOT NULL, 
	value TEXT NOT NULL, 
	CONSTRAINT pk_settings PRIMARY KEY ("key")
);
CREATE TABLE source_aliases (
	id INTEGER NOT NULL, 
	source_id VARCHAR(200) NOT NULL, 
	alias TEXT NOT NULL, 
	alias_key TEXT NOT NULL, 
	batch_id INTEGER NOT NULL, 
	CONSTRAINT pk_source_aliases PRIMARY KEY (id), 
	CONSTRAINT fk_source_aliases_batch_id_import_batches FOREIGN KEY(batch_id) REFERENCES import_batches (id), 
	CONSTRAINT fk_source_aliases_source_id_sources FOREIGN KEY(source_id) REFERENCES sources (id) ON DELETE CASCADE, 
	CONSTRAINT uq_source_aliases_alias_key UNIQUE (alias_key)
);
CREATE TABLE source_relations (
	id INTEGER NOT NULL, 
	source_id VARCHAR(200) NOT NULL, 
	relation VARCHAR(16) NOT NULL, 
	target_id VARCHAR(200) NOT NULL, 
	batch_id INTEGER NOT NULL, 
	CONSTRAINT pk_source_relations PRIMARY KEY (id), 
	CONSTRAINT ck_source_relations_relation_allowed CHECK (relation = 'part_of' OR relation = 'member_of'), 
	CONSTRAINT ck_source_relations_not_self CHECK (source_id <> target_id), 
	CONSTRAINT fk_source_relations_batch_id_import_batches FOREIGN KEY(batch_id) REFERENCES import_batches (id), 
	CONSTRAINT fk_source_relations_source_id_sources FOREIGN KEY(source_id) REFERENCES sources (id) ON DELETE CASCADE, 
	CONSTRAINT fk_source_relations_target_id_sources FOREIGN KEY(target_id) REFERENCES sources (id) ON DELETE CASCADE, 
	CONSTRAINT uq_source_relations_source_id_relation_target_id UNIQUE (source_id, relation, target_id)
);
CREATE TABLE sources (
	id VARCHAR(200) NOT NULL, 
	name TEXT NOT NULL, 
	kind VARCHAR(32) NOT NULL, 
	url TEXT, 
	country VARCHAR(10000), 
	description TEXT, 
	batch_id INTEGER NOT NULL, 
	CONSTRAINT pk_sources PRIMARY KEY (id), 
	CONSTRAINT ck_sources_kind_allowed CHECK (kind = 'ngo' OR kind = 'intergovernmental' OR kind = 'government' OR kind = 'official' OR kind = 'opposition' OR kind = 'media' OR kind = 'person' OR kind = 'other'), 
	CONSTRAINT ck_sources_id_not_empty CHECK (length(id) > 0), 
	CONSTRAINT fk_sources_batch_id_import_batches FOREIGN KEY(batch_id) REFERENCES import_batches (id)
);
CREATE VIRTUAL TABLE "sources_fts" USING FTS5 (
    "key", "source_id" UNINDEXED, "name", "aliases",
    tokenize='porter unicode61'
);
CREATE TABLE 'sources_fts_config'(k PRIMARY KEY, v) WITHOUT ROWID;
CREATE TABLE 'sources_fts_content'(id INTEGER PRIMARY KEY, c0, c1, c2, c3);
CREATE TABLE 'sources_fts_data'(id INTEGER PRIMARY KEY, block BLOB);
CREATE TABLE 'sources_fts_docsize'(id INTEGER PRIMARY KEY, sz BLOB);
CREATE TABLE 'sources_fts_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;
CREATE INDEX ix_changes_batch_id ON changes (batch_id);
CREATE INDEX ix_changes_table_name_row_key ON changes (table_name, row_key);
CREATE INDEX ix_claim_history_claim_id ON claim_history (claim_id);
CREATE INDEX ix_claim_history_claim_pk ON claim_history (claim_pk);
CREATE INDEX ix_claim_history_created_batch_id ON claim_history (created_batch_id);
CREATE INDEX ix_claim_history_replaced_batch_id ON claim_history (replaced_batch_id);
CREATE INDEX ix_claims_batch_id ON claims (batch_id);
CREATE INDEX ix_claims_claimed_on ON claims (claimed_on);
CREATE INDEX ix_claims_compared_by_event ON claims (event_id, id, source_id, via_id, document_pk, claimed_on, claimed_on_precision, status, quote_page, supersedes_pk, review_status, grade);
CREATE INDEX ix_claims_document_pk ON claims (document_pk);
CREATE INDEX ix_claims_event_id_claimed_on ON claims (event_id, claimed_on);
CREATE INDEX ix_claims_review_status ON claims (review_status);
CREATE INDEX ix_claims_source_id ON claims (source_id);
CREATE INDEX ix_claims_status ON claims (status);
CREATE INDEX ix_claims_supersedes_pk ON claims (supersedes_pk) WHERE supersedes_pk IS NOT NULL;
CREATE INDEX ix_claims_updated_batch_id ON claims (updated_batch_id) WHERE updated_batch_id IS NOT NULL;
CREATE INDEX ix_claims_via_id ON claims (via_id) WHERE via_id IS NOT NULL;
CREATE INDEX ix_document_custody_batch_id ON document_custody (batch_id);
CREATE INDEX ix_document_custody_document_pk ON document_custody (document_pk);
CREATE INDEX ix_document_custody_original_sha256 ON document_custody (original_sha256);
CREATE INDEX ix_document_history_document_id ON document_history (document_id);
CREATE INDEX ix_document_history_document_pk ON document_history (document_pk);
CREATE INDEX ix_document_history_replaced_batch_id ON document_history (replaced_batch_id);
CREATE INDEX ix_documents_batch_id ON documents (batch_id);
CREATE INDEX ix_documents_id_by_pk ON documents (pk, id);
CREATE INDEX ix_documents_language ON documents (language);
CREATE INDEX ix_documents_published ON documents (published);
CREATE INDEX ix_documents_publisher_id ON documents (publisher_id);
CREATE INDEX ix_documents_text_sha256 ON documents (text_sha256);
CREATE INDEX ix_events_batch_id ON events (batch_id);
CREATE INDEX ix_events_name ON events (name);
CREATE INDEX ix_events_parent_id ON events (parent_id);
CREATE INDEX ix_events_start_date ON events (start_date);
CREATE INDEX ix_figures_batch_id ON figures (batch_id);
CREATE INDEX ix_figures_compared_by_claim ON figures (claim_pk, position, metric_id, population, qualifier, value, low, high, stated, derived);
CREATE INDEX ix_figures_metric_id_population ON figures (metric_id, population);
CREATE INDEX ix_figures_qualifier ON figures (qualifier);
CREATE INDEX ix_import_files_batch_id ON import_files (batch_id);
CREATE INDEX ix_import_files_sha256 ON import_files (sha256);
CREATE INDEX ix_metrics_batch_id ON metrics (batch_id);
CREATE INDEX ix_originals_batch_id ON originals (batch_id);
CREATE INDEX ix_removals_batch_id ON removals (batch_id);
CREATE UNIQUE INDEX ix_removals_kind_record_id ON removals (kind, record_id) WHERE revived_batch_id IS NULL;
CREATE INDEX ix_removals_revived_batch_id ON removals (revived_batch_id);
CREATE INDEX ix_source_aliases_batch_id ON source_aliases (batch_id);
CREATE INDEX ix_source_aliases_source_id ON source_aliases (source_id);
CREATE INDEX ix_source_relations_batch_id ON source_relations (batch_id);
CREATE INDEX ix_source_relations_source_id ON source_relations (source_id);
CREATE INDEX ix_source_relations_target_id ON source_relations (target_id);
CREATE INDEX ix_sources_batch_id ON sources (batch_id);
CREATE INDEX ix_sources_country ON sources (country);
CREATE INDEX ix_sources_kind ON sources (kind);
CREATE INDEX ix_sources_name ON sources (name);
CREATE INDEX ix_sources_name_by_id ON sources (id, name);
CREATE VIEW claim_details AS
SELECT
    c.pk AS claim_pk,
    c.id AS claim_id,
    c.source_id,
    s.name AS source_name,
    s.kind AS source_kind,
    c.via_id,
    v.name AS via_name,
    c.event_id,
    e.name AS event_name,
    e.start_date AS event_start_date,
    e.end_date AS event_end_date,
    c.document_pk,
    d.id AS document_id,
    d.title AS document_title,
    d.published AS document_published,
    d.url AS document_url,
    c.claimed_on,
    c.claimed_on_precision,
    c.quote,
    c.statement,
    c.status,
    c.supersedes_pk,
    old.id AS supersedes_id,
    CASE WHEN EXISTS (SELECT 1 FROM claims newer WHERE newer.supersedes_pk = c.pk)
         THEN 1 ELSE 0 END AS is_superseded,
    c.quote_page
FROM claims c
JOIN sources s ON s.id = c.source_id
JOIN documents d ON d.pk = c.document_pk
LEFT JOIN sources v ON v.id = c.via_id
LEFT JOIN events e ON e.id = c.event_id
LEFT JOIN claims old ON old.pk = c.supersedes_pk;
CREATE VIEW "claims_readable" AS
SELECT c.pk AS claim_pk, c.id AS claim,
       (SELECT s.name FROM sources s WHERE s.id = c.source_id) AS source,
       (SELECT e.name FROM events e WHERE e.id = c.event_id) AS event,
       c.claimed_on,
       (SELECT group_concat(f.stated || ' (' || m.name || coalesce(', ' || f.population, '') || ')', '; ')
        FROM figures f JOIN metrics m ON m.id = f.metric_id WHERE f.claim_pk = c.pk) AS figures,
       c.quote,
       CASE WHEN EXISTS (SELECT 1 FROM claims x WHERE x.supersedes_pk = c.pk) THEN 'superseded' ELSE c.status END AS status,
       (SELECT v.name FROM sources v WHERE v.id = c.via_id) AS via,
       (SELECT d.title FROM documents d WHERE d.pk = c.document_pk) AS document,
       c.source_id, c.event_id, c.document_pk
FROM claims c;
CREATE VIEW "documents_readable" AS
SELECT d.pk AS document_pk, d.id, d.title, (SELECT p.name FROM sources p WHERE p.id = d.publisher_id) AS publisher,
       d.author, d.published, d.language,
       (SELECT count(*) FROM claims c WHERE c.document_pk = d.pk) AS claims,
       length(d.text) AS characters, d.url
FROM documents d;
CREATE VIEW figure_comparison AS
WITH figure_rows AS (
    SELECT
        f.id AS figure_id,
        c.event_id,
        e.name AS event_name,
        f.metric_id,
        m.name AS metric_name,
        m.unit,
        f.population,
        c.source_id,
        s.name AS source_name,
        c.via_id,
        f.qualifier,
        f.value,
        f.low,
        f.high,
        f.stated,
        c.claimed_on,
        c.claimed_on_precision,
        c.id AS claim_id,
        c.pk AS claim_pk,
        f.position,
        d.id AS document_id,
        c.status,
        CASE WHEN EXISTS (SELECT 1 FROM claims newer WHERE newer.supersedes_pk = c.pk)
             THEN 1 ELSE 0 END AS is_superseded
    FROM figures f
    JOIN claims c ON c.pk = f.claim_pk
    JOIN sources s ON s.id = c.source_id
    JOIN metrics m ON m.id = f.metric_id
    JOIN documents d ON d.pk = c.document_pk
    LEFT JOIN events e ON e.id = c.event_id
),
candidates AS (
    SELECT
        figure_rows.*,
        CASE WHEN status <> 'retracted' AND is_superseded = 0 THEN 1 ELSE 0 END AS is_candidate
    FROM figure_rows
)
SELECT
    figure_id, event_id, event_name, metric_id, metric_name, unit, population,
    source_id, source_name, via_id, qualifier, value, low, high, stated,
    claimed_on, claimed_on_precision, claim_id, claim_pk, position, document_id,
    status, is_superseded,
    CASE WHEN is_candidate = 1 AND ROW_NUMBER() OVER (
            PARTITION BY event_id, metric_id, population, source_id, is_candidate
            ORDER BY claimed_on DESC, claim_pk DESC, position
         ) = 1
         THEN 1 ELSE 0 END AS is_latest
FROM candidates;
CREATE VIEW "sources_readable" AS
SELECT s.id, s.name, s.kind, s.country,
       (SELECT group_concat(a.alias, ', ') FROM source_aliases a WHERE a.source_id = s.id) AS aliases,
       (SELECT group_concat(replace(r.relation, '_', ' ') || ' ' || t.name, '; ') FROM source_relations r JOIN sources t ON t.id = r.target_id
        WHERE r.source_id = s.id) AS relations,
       (SELECT count(*) FROM claims c WHERE c.source_id = s.id) AS claims,
       s.url, s.description
FROM sources s;
CREATE TRIGGER "claims_ad" AFTER DELETE ON "claims" BEGIN
  INSERT INTO "claims_fts" ("claims_fts", rowid, "quote", "statement") VALUES('delete', old."pk", old."quote", old."statement");
END;
CREATE TRIGGER "claims_ai" AFTER INSERT ON "claims" BEGIN
  INSERT INTO "claims_fts" (rowid, "quote", "statement") VALUES (new."pk", new."quote", new."statement");
END;
CREATE TRIGGER "claims_au" AFTER UPDATE ON "claims" BEGIN
  INSERT INTO "claims_fts" ("claims_fts", rowid, "quote", "statement") VALUES('delete', old."pk", old."quote", old."statement");
  INSERT INTO "claims_fts" (rowid, "quote", "statement") VALUES (new."pk", new."quote", new."statement");
END;
CREATE TRIGGER "documents_ad" AFTER DELETE ON "documents" BEGIN
  INSERT INTO "documents_fts" ("documents_fts", rowid, "title", "text") VALUES('delete', old."pk", old."title", old."text");
END;
CREATE TRIGGER "documents_ai" AFTER INSERT ON "documents" BEGIN
  INSERT INTO "documents_fts" (rowid, "title", "text") VALUES (new."pk", new."title", new."text");
END;
CREATE TRIGGER "documents_au" AFTER UPDATE ON "documents" BEGIN
  INSERT INTO "documents_fts" ("documents_fts", rowid, "title", "text") VALUES('delete', old."pk", old."title", old."text");
  INSERT INTO "documents_fts" (rowid, "title", "text") VALUES (new."pk", new."title", new."text");
END;
CREATE TRIGGER "source_aliases_fts_ad" AFTER DELETE ON "source_aliases" BEGIN
  DELETE FROM "sources_fts" WHERE "sources_fts" MATCH 'key : "' || hex(old.source_id) || '"' AND "source_id" = old.source_id;
  INSERT INTO "sources_fts" ("key", "source_id", "name", "aliases")
    SELECT hex(s."id"), s."id", s."name", (SELECT group_concat(a."alias", ' ') FROM "source_aliases" a WHERE a."source_id" = s."id")
    FROM "sources" s WHERE s."id" = old.source_id;
END;
CREATE TRIGGER "source_aliases_fts_ai" AFTER INSERT ON "source_aliases" BEGIN
  DELETE FROM "sources_fts" WHERE "sources_fts" MATCH 'key : "' || hex(new.source_id) || '"' AND "source_id" = new.source_id;
  INSERT INTO "sources_fts" ("key", "source_id", "name", "aliases")
    SELECT hex(s."id"), s."id", s."name", (SELECT group_concat(a."alias", ' ') FROM "source_aliases" a WHERE a."source_id" = s."id")
    FROM "sources" s WHERE s."id" = new.source_id;
END;
CREATE TRIGGER "source_aliases_fts_au" AFTER UPDATE ON "source_aliases" BEGIN
  DELETE FROM "sources_fts" WHERE "sources_fts" MATCH 'key : "' || hex(old.source_id) || '"' AND "source_id" = old.source_id;
  INSERT INTO "sources_fts" ("key", "source_id", "name", "aliases")
    SELECT hex(s."id"), s."id", s."name", (SELECT group_concat(a."alias", ' ') FROM "source_aliases" a WHERE a."source_id" = s."id")
    FROM "sources" s WHERE s."id" = old.source_id;
  DELETE FROM "sources_fts" WHERE "sources_fts" MATCH 'key : "' || hex(new.source_id) || '"' AND "source_id" = new.source_id;
  INSERT INTO "sources_fts" ("key", "source_id", "name", "aliases")
    SELECT hex(s."id"), s."id", s."name", (SELECT group_concat(a."alias", ' ') FROM "source_aliases" a WHERE a."source_id" = s."id")
    FROM "sources" s WHERE s."id" = new.source_id;
END;
CREATE TRIGGER "sources_fts_ad" AFTER DELETE ON "sources" BEGIN
  DELETE FROM "sources_fts" WHERE "sources_fts" MATCH 'key : "' || hex(old.id) || '"' AND "source_id" = old.id;
END;
CREATE TRIGGER "sources_fts_ai" AFTER INSERT ON "sources" BEGIN
  DELETE FROM "sources_fts" WHERE "sources_fts" MATCH 'key : "' || hex(new.id) || '"' AND "source_id" = new.id;
  INSERT INTO "sources_fts" ("key", "source_id", "name", "aliases")
    SELECT hex(s."id"), s."id", s."name", (SELECT group_concat(a."alias", ' ') FROM "source_aliases" a WHERE a."source_id" = s."id")
    FROM "sources" s WHERE s."id" = new.id;
END;
CREATE TRIGGER "sources_fts_au" AFTER UPDATE ON "sources" BEGIN
  DELETE FROM "sources_fts" WHERE "sources_fts" MATCH 'key : "' || hex(old.id) || '"' AND "source_id" = old.id;
  DELETE FROM "sources_fts" WHERE "sources_fts" MATCH 'key : "' || hex(new.id) || '"' AND "source_id" = new.id;
  INSERT INTO "sources_fts" ("key", "source_id", "name", "aliases")
    SELECT hex(s."id"), s."id", s."name", (SELECT group_concat(a."alias", ' ') FROM "source_aliases" a WHERE a."source_id" = s."id")
    FROM "sources" s WHERE s."id" = new.id;
END;
