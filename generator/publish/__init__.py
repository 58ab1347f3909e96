"""Layer 5: outputs: the docs/ pages, the site, DOCX/PDF and packs, registers, the Stage 1 pack and releases."""
