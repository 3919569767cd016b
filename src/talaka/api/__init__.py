"""The HTTP API: Toloka API v1 wire format under `/api/v1`, one module per resource."""
