"""Layer 1: the organisation data as typed models: value types, one model per data file, the YAML reader that keeps
positions, loading with every error at once, the rules across files, the clause catalogue and the JSON Schema."""
