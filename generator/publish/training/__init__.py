"""Training material made from the organisation's own data (`smsgen training`, dist/training/): an awareness deck
for everyone who works for it, an internal-auditor course deck, and a multiple-choice quiz for each with its answer
key. The content is plain data built from the Organisation (slides.py, awareness.py, auditor.py, quiz.py,
questions.py); typeset.py writes it as typst source in which every data value is a string literal, never markup;
outputs.py lays it out and writes the files."""
