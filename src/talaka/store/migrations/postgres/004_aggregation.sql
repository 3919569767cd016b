-- Talaka schema, version 4 (PostgreSQL): the results of aggregation operations.

-- One aggregated answer per general task of the pool, written by its `SOLUTION.AGGREGATE`
-- operation and read back a page at a time in task id order (`GET /v1/aggregated-solutions/{id}`).
-- Task ids are fixed-width text compared byte by byte (COLLATE "C"), as toloka-kit compares them
-- when it pages with `task_id_gt`; a language collation would order the dashes differently.
CREATE TABLE aggregated_solutions (
    op_no         BIGINT NOT NULL,
    task_id       TEXT COLLATE "C" NOT NULL,
    confidence    DOUBLE PRECISION NOT NULL,
    output_values BYTEA NOT NULL,
    PRIMARY KEY (op_no, task_id)
);
