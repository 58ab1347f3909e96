"""Layer 4: what is true of the rendered set: integrity, control, readiness and the clause matrix, assessed once per
run."""
