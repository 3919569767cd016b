"""`python -m talaka.crowd POOL_ID ...`: the same command as `talaka simulate`."""

from talaka.crowd.command import simulate

simulate(prog_name="talaka simulate")
