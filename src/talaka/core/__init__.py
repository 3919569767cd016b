"""Domain rules of Talaka: pure functions and values, no I/O."""
