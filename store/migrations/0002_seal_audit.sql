-- fengqiao store, migration 2: signed heads and the audit record (docs/security.md).
--
-- signed_heads keeps the heads a host's signer signed (journal digests, case heads, the
-- register of heads), apart from the entries they seal: a re-chained journal restores, but
-- no longer verifies against them (Store::verify). audit is the audit record's projection
-- (等保 安全审计), queryable by time for the six months a host must keep it. Both are
-- append-only, as the journal is.

CREATE TABLE fengqiao.signed_heads (
    county     text        NOT NULL,
    subject    text        NOT NULL,
    seq        bigint      NOT NULL CHECK (seq >= 0),
    head       bytea       NOT NULL CHECK (length(head) = 32),
    signed_at  timestamptz NOT NULL,
    algorithm  text        NOT NULL,
    key_id     text        NOT NULL,
    body       text        NOT NULL,
    stored_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (county, subject, seq, key_id, signed_at)
) PARTITION BY LIST (county);

CREATE TABLE fengqiao.audit (
    county    text        NOT NULL,
    seq       bigint      NOT NULL,
    at        timestamptz NOT NULL,
    actor     text        NOT NULL,
    action    text        NOT NULL,
    outcome   text        NOT NULL,
    target    text        NOT NULL,
    body      text        NOT NULL,
    PRIMARY KEY (county, seq)
) PARTITION BY LIST (county);

CREATE INDEX audit_at ON fengqiao.audit (county, at);

CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON fengqiao.signed_heads
    FOR EACH ROW EXECUTE FUNCTION fengqiao.refuse_change();
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON fengqiao.audit
    FOR EACH ROW EXECUTE FUNCTION fengqiao.refuse_change();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON fengqiao.signed_heads
    FOR EACH STATEMENT EXECUTE FUNCTION fengqiao.refuse_change();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON fengqiao.audit
    FOR EACH STATEMENT EXECUTE FUNCTION fengqiao.refuse_change();

REVOKE ALL ON fengqiao.signed_heads, fengqiao.audit FROM PUBLIC;

CREATE OR REPLACE FUNCTION fengqiao.add_county(c text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t text;
BEGIN
    IF c !~ '^[0-9]{6}$' THEN
        RAISE EXCEPTION 'fengqiao: county code %: six digits expected', c USING ERRCODE = '22023';
    END IF;
    FOREACH t IN ARRAY ARRAY['journal', 'heads', 'rule_sets', 'zero_reports', 'denials', 'snapshots',
                             'signed_heads', 'audit'] LOOP
        EXECUTE format('CREATE TABLE IF NOT EXISTS fengqiao.%I PARTITION OF fengqiao.%I FOR VALUES IN (%L)',
                       t || '_' || c, t, c);
        IF t <> 'heads' AND NOT EXISTS (
            SELECT 1 FROM pg_trigger WHERE tgname = 'append_only_truncate'
               AND tgrelid = format('fengqiao.%I', t || '_' || c)::regclass) THEN
            EXECUTE format('CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON fengqiao.%I '
                           'FOR EACH STATEMENT EXECUTE FUNCTION fengqiao.refuse_change()', t || '_' || c);
        END IF;
    END LOOP;
END
$$;

-- Counties created before this migration get their new partitions now.
SELECT fengqiao.add_county(county) FROM fengqiao.journals;
