"""The performer API under `/api/performer/v1`: Talaka's own, binding for programs written against it
(work-loop spec section 2). Performers authenticate with performer tokens only; `routes` lists
the endpoints, `assignments` and `pools` serve them."""
