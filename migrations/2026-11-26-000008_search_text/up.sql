-- The folded text the action list searches (code and title, accents and case ignored),
-- computed once per write: searching folded every action of the CPAS at each request.
ALTER TABLE actions
    ADD COLUMN search_text text GENERATED ALWAYS AS (pst_fold(code || ' ' || title)) STORED NOT NULL;
-- Every search of the API is scoped to one CPAS, whose few hundred actions the planner
-- reads by plan or tenant (EXPLAIN in docs/benchmarks.md): this trigram index on the old
-- expression was never chosen, and cost every insert and every change of a title.
DROP INDEX actions_search_idx;
