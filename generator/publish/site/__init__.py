"""Site backends: build site/ from the generated pages."""
