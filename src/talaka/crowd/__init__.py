"""`talaka simulate`: a crowd of virtual performers that works a real pool through the performer API.

Why it exists: a requester chooses an overlap, a mixer and quality-control rules before anyone is
paid, and the only honest way to see what those choices do is to let a crowd work the pool. This
crowd is made of programs with a known accuracy, some of them spammers, working a real server the
way people would (taking suites, submitting answers, being banned by the pool's rules); afterwards
the pool is aggregated on the server and compared with the truth. So "overlap 3 or 5?" and "are
my rules worth it?" get numbers before real people work. The same crowd is what tests and
benchmarks use when they need many performers.

Modules: `behaviour` (who the performers are and what they answer: pure, no I/O), `truth` (the
answer field, the truth of every task, from a task file or drawn by the simulator), `run` (the
crowd against the server, then the aggregation), `report` (the figures, as a table and as JSON)
and `command` (the click command).
"""
