"""From a gap analysis to certification: the questionnaire (YAML and a workbook a client fills in), the implementation
plan derived from the gaps and scheduled from the kickoff, and the gap report with its charts (dist/gap/)."""
