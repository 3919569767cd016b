-- Talaka schema, version 4 (SQLite): the results of aggregation operations.

-- One aggregated answer per general task of the pool, written by its `SOLUTION.AGGREGATE`
-- operation and read back a page at a time in task id order (`GET /v1/aggregated-solutions/{id}`).
-- Task ids are fixed-width text, so their byte order is their creation order within a pool.
CREATE TABLE aggregated_solutions (
    op_no         INTEGER NOT NULL,
    task_id       TEXT NOT NULL,
    confidence    REAL NOT NULL,
    output_values BLOB NOT NULL,
    PRIMARY KEY (op_no, task_id)
) WITHOUT ROWID;
