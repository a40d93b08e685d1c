"""The project model: parsed modules, symbolic values, cached functions and their call sites."""
